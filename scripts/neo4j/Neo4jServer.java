import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * A real Neo4j community server for the local stack, from Maven Central's neo4j-harness:
 * Bolt and HTTP on the given loopback ports, data under the given directory, no auth.
 * Usage: Neo4jServer <bolt-port> <http-port> <work-dir>. Stops on SIGTERM.
 */
public final class Neo4jServer {
  public static void main(String[] args) throws InterruptedException {
    int boltPort = Integer.parseInt(args[0]);
    int httpPort = Integer.parseInt(args[1]);
    Path workDir = Path.of(args[2]);
    Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(workDir)
        .withConfig(BoltConnector.enabled, true)
        .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", boltPort))
        .withConfig(HttpConnector.enabled, true)
        .withConfig(HttpConnector.listen_address, new SocketAddress("127.0.0.1", httpPort))
        .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      neo4j.close();
      stopped.countDown();
    }));
    System.out.println("neo4j ready: bolt " + neo4j.boltURI() + " http " + neo4j.httpURI());
    stopped.await();
  }
}
