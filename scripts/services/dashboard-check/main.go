// dashboard-check loads Grafana dashboard JSON files into the Grafana Foundation SDK's Go
// schema types, strictly: an unknown field, a missing required field or a value of the wrong
// type fails, as does the SDK's own validation. The dashboards are generated with the SDK's
// TypeScript builders (monitoring/dashboards); this proves the JSON fits Grafana's schema.
//
//	dashboard-check dashboards/*.json
package main

import (
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dashboard-check FILE.json...")
		os.Exit(2)
	}
	// Panel options and queries are schema'd per plugin: register the ones HerdWatch uses, so
	// their fields are checked too (an unregistered panel type fails below).
	runtime := cog.NewRuntime()
	runtime.RegisterPanelcfgVariant(timeseries.VariantConfig())
	runtime.RegisterPanelcfgVariant(stat.VariantConfig())
	runtime.RegisterPanelcfgVariant(bargauge.VariantConfig())
	runtime.RegisterDataqueryVariant(prometheus.VariantConfig())

	failed := false
	for _, path := range os.Args[1:] {
		raw, err := os.ReadFile(path)
		if err == nil {
			var d dashboard.Dashboard
			if err = d.UnmarshalJSONStrict(raw); err == nil {
				err = d.Validate()
			}
			if err == nil {
				err = checkPanels(d)
			}
			// The SDK returns an empty BuildErrors list (a non-nil error value) when all is well.
			if be, ok := err.(cog.BuildErrors); ok && len(be) == 0 {
				err = nil
			}
		}
		if err != nil {
			failed = true
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			continue
		}
		fmt.Printf("%s: ok\n", path)
	}
	if failed {
		os.Exit(1)
	}
}

func checkPanels(d dashboard.Dashboard) error {
	n := 0
	for _, p := range d.Panels {
		if p.Panel == nil {
			continue
		}
		n++
		if p.Panel.Options == nil {
			return fmt.Errorf("panel %q (%s): options not decoded by a registered panel schema", title(p.Panel), p.Panel.Type)
		}
		for _, t := range p.Panel.Targets {
			if _, ok := t.(*prometheus.Dataquery); !ok {
				return fmt.Errorf("panel %q: query is %T, not a Prometheus query", title(p.Panel), t)
			}
		}
	}
	if n == 0 {
		return fmt.Errorf("no panels")
	}
	return nil
}

func title(p *dashboard.Panel) string {
	if p.Title == nil {
		return "?"
	}
	return *p.Title
}
