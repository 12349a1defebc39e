// Command minimaldatasource is the smallest data source backend grafana-plugin-sdk-go makes: the
// baseline of npm run bench:handshake, which times our executable's start to handshake against it.
package main

import (
	"context"
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

type minimal struct{}

func (minimal) QueryData(_ context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	return backend.NewQueryDataResponse(), nil
}

func (minimal) CheckHealth(context.Context, *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: "ok"}, nil
}

func main() {
	factory := func(context.Context, backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
		return minimal{}, nil
	}
	if err := datasource.Manage("minimal-datasource", factory, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error(err.Error())
		os.Exit(1)
	}
}
