import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { testIds } from '../../components/testIds';
import { ConfigEditor } from './ConfigEditor';

function props(overrides: Record<string, unknown> = {}) {
  const onOptionsChange = jest.fn();
  const options = {
    id: 1,
    uid: 'agentmemory',
    name: 'Agent Memory',
    type: 'memstack-agentmemory-datasource',
    jsonData: { prometheusUrl: 'http://prom:9090' },
    secureJsonFields: { elasticsearchApiKey: true },
    ...overrides,
  } as any;
  return { options, onOptionsChange };
}

describe('ConfigEditor', () => {
  it('shows a section for each source', () => {
    render(<ConfigEditor {...props()} />);
    for (const source of ['prometheus', 'elasticsearch', 'jaeger']) {
      expect(screen.getByTestId(testIds.datasource.configSection(source))).toBeInTheDocument();
    }
    expect(screen.getByTestId(testIds.datasource.configUrl('prometheus'))).toHaveValue('http://prom:9090');
  });

  it('writes URLs to jsonData and secrets to secureJsonData only', () => {
    const p = props();
    render(<ConfigEditor {...p} />);
    fireEvent.change(screen.getByTestId(testIds.datasource.configUrl('elasticsearch')), {
      target: { value: ' http://es:9200 ' },
    });
    expect(p.onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { prometheusUrl: 'http://prom:9090', elasticsearchUrl: 'http://es:9200' } })
    );
    fireEvent.change(screen.getByTestId(testIds.datasource.configToken('prometheus')), { target: { value: 't0ken' } });
    const last = p.onOptionsChange.mock.calls.at(-1)[0];
    expect(last.secureJsonData).toEqual({ prometheusBearerToken: 't0ken' });
    expect(JSON.stringify(last.jsonData)).not.toContain('t0ken');
  });

  it('shows a configured secret as configured and can reset it', () => {
    const p = props();
    render(<ConfigEditor {...p} />);
    const resets = screen.getAllByRole('button', { name: /reset/i });
    expect(resets).toHaveLength(1);
    fireEvent.click(resets[0]);
    expect(p.onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({
        secureJsonFields: { elasticsearchApiKey: false },
        secureJsonData: { elasticsearchApiKey: '' },
      })
    );
  });
});

describe('ConfigEditor TLS and headers', () => {
  it('keeps CA certificates and header values secure, and names and switches in jsonData', () => {
    const p = props({
      jsonData: { elasticsearchUrl: 'https://es:9200', elasticsearchTlsWithCaCert: true },
      secureJsonFields: {},
    });
    render(<ConfigEditor {...p} />);
    fireEvent.change(screen.getByPlaceholderText('-----BEGIN CERTIFICATE-----'), {
      target: { value: 'PEM DATA' },
    });
    expect(p.onOptionsChange.mock.calls.at(-1)[0].secureJsonData).toEqual({ elasticsearchTlsCaCert: 'PEM DATA' });
    fireEvent.click(screen.getAllByRole('button', { name: /add header/i })[1]);
    expect(p.onOptionsChange.mock.calls.at(-1)[0].jsonData.elasticsearchHttpHeaderNames).toEqual(['']);
  });

  it('warns when certificate verification is skipped', () => {
    render(<ConfigEditor {...props({ jsonData: { jaegerUrl: 'https://j', jaegerTlsSkipVerify: true } })} />);
    expect(screen.getByText('Jaeger: TLS verification is off')).toBeInTheDocument();
  });
});

describe('ConfigEditor scrape interval', () => {
  it("writes the scrape interval to jsonData.timeInterval, the key of Grafana's Prometheus data source", () => {
    const p = props();
    render(<ConfigEditor {...p} />);
    fireEvent.change(screen.getByLabelText(/Scrape interval/), { target: { value: ' 1m ' } });
    expect(p.onOptionsChange.mock.calls.at(-1)[0].jsonData).toEqual({
      prometheusUrl: 'http://prom:9090',
      timeInterval: '1m',
    });
  });

  it('removes the key when the field is emptied, so that the default applies', () => {
    const p = props({ jsonData: { prometheusUrl: 'http://prom:9090', timeInterval: '1m' } });
    render(<ConfigEditor {...p} />);
    fireEvent.change(screen.getByLabelText(/Scrape interval/), { target: { value: '' } });
    expect(p.onOptionsChange.mock.calls.at(-1)[0].jsonData.timeInterval).toBeUndefined();
  });

  it("shows the backend's own message for a value it would refuse", () => {
    render(<ConfigEditor {...props({ jsonData: { prometheusUrl: 'http://p', timeInterval: 'often' } })} />);
    expect(
      screen.getByText('Scrape interval "often" is not a Prometheus duration such as 15s, 1m or 1m30s')
    ).toBeInTheDocument();
  });
});

describe('ConfigEditor custom query parameters', () => {
  it("writes them to jsonData.customQueryParameters, the key of Grafana's Prometheus data source", () => {
    const p = props();
    render(<ConfigEditor {...p} />);
    fireEvent.change(screen.getByLabelText(/Custom query parameters/), { target: { value: 'dedup=true' } });
    expect(p.onOptionsChange.mock.calls.at(-1)[0].jsonData).toEqual({
      prometheusUrl: 'http://prom:9090',
      customQueryParameters: 'dedup=true',
    });
  });

  it("shows the backend's own message for parameters it would refuse", () => {
    render(<ConfigEditor {...props({ jsonData: { prometheusUrl: 'http://p', customQueryParameters: 'step=60' } })} />);
    expect(
      screen.getByText('Custom query parameter "step" is set by the data source itself for each request: remove it')
    ).toBeInTheDocument();
  });
});

describe('ConfigEditor custom headers keep their saved values', () => {
  // Grafana hands the edited options back as props, as its data source settings page does.
  function Controlled({ initial, onChange }: { initial: any; onChange: (options: any) => void }) {
    const [options, setOptions] = React.useState(initial);
    return (
      <ConfigEditor
        options={options}
        onOptionsChange={(next) => {
          onChange(next);
          setOptions(next);
        }}
      />
    );
  }
  const savedHeaders = () =>
    props({
      jsonData: { prometheusUrl: 'http://p', prometheusHttpHeaderNames: ['X-A', 'X-B', 'X-C', 'X-D'] },
      secureJsonFields: {
        prometheusHttpHeaderValue0: true,
        prometheusHttpHeaderValue1: true,
        prometheusHttpHeaderValue2: true,
        prometheusHttpHeaderValue3: true,
      },
    });
  const headerNamesShown = () =>
    screen.queryAllByLabelText(/^Prometheus header \d+ name$/).map((input) => (input as HTMLInputElement).value);

  it('removing header 2 of 4 resets only its value; headers 3 and 4 keep theirs', () => {
    const p = savedHeaders();
    const onChange = jest.fn();
    render(<Controlled initial={p.options} onChange={onChange} />);
    fireEvent.click(screen.getByRole('button', { name: 'Remove Prometheus header 2' }));

    const saved = onChange.mock.calls.at(-1)[0];
    // X-C and X-D stay in the slots their saved values are in: a hole where X-B was.
    expect(saved.jsonData.prometheusHttpHeaderNames).toEqual(['X-A', '', 'X-C', 'X-D']);
    expect(saved.secureJsonData).toEqual({ prometheusHttpHeaderValue1: '' });
    expect(saved.secureJsonFields).toEqual({
      prometheusHttpHeaderValue0: true,
      prometheusHttpHeaderValue1: false,
      prometheusHttpHeaderValue2: true,
      prometheusHttpHeaderValue3: true,
    });
    expect(headerNamesShown()).toEqual(['X-A', 'X-C', 'X-D']);
  });

  it('a new header fills the hole, and removing the last one drops the holes before it', () => {
    const p = savedHeaders();
    const onChange = jest.fn();
    render(<Controlled initial={p.options} onChange={onChange} />);
    fireEvent.click(screen.getByRole('button', { name: 'Remove Prometheus header 2' }));
    fireEvent.click(screen.getAllByRole('button', { name: /add header/i })[0]);
    expect(onChange.mock.calls.at(-1)[0].jsonData.prometheusHttpHeaderNames).toEqual(['X-A', '', 'X-C', 'X-D']);
    expect(headerNamesShown()).toEqual(['X-A', '', 'X-C', 'X-D']);
    fireEvent.change(screen.getByLabelText('Prometheus header 2 name'), { target: { value: 'X-E' } });
    expect(onChange.mock.calls.at(-1)[0].jsonData.prometheusHttpHeaderNames).toEqual(['X-A', 'X-E', 'X-C', 'X-D']);

    fireEvent.click(screen.getByRole('button', { name: 'Remove Prometheus header 2' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove Prometheus header 3' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove Prometheus header 2' }));
    const saved = onChange.mock.calls.at(-1)[0];
    expect(saved.jsonData.prometheusHttpHeaderNames).toEqual(['X-A']);
    expect(saved.secureJsonFields.prometheusHttpHeaderValue0).toBe(true);
    expect(headerNamesShown()).toEqual(['X-A']);
  });

  it('a value typed but not saved stays with its header too', () => {
    const p = props({
      jsonData: { prometheusHttpHeaderNames: ['X-A', 'X-B', 'X-C'] },
      secureJsonData: { prometheusHttpHeaderValue2: 'typed' },
      secureJsonFields: { prometheusHttpHeaderValue0: true, prometheusHttpHeaderValue1: true },
    });
    render(<ConfigEditor {...p} />);
    fireEvent.click(screen.getByRole('button', { name: 'Remove Prometheus header 1' }));
    const saved = p.onOptionsChange.mock.calls.at(-1)[0];
    expect(saved.jsonData.prometheusHttpHeaderNames).toEqual(['', 'X-B', 'X-C']);
    expect(saved.secureJsonData).toEqual({ prometheusHttpHeaderValue0: '', prometheusHttpHeaderValue2: 'typed' });
    expect(saved.secureJsonFields).toEqual({ prometheusHttpHeaderValue0: false, prometheusHttpHeaderValue1: true });
  });
});
