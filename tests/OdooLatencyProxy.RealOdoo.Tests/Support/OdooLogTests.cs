namespace OdooLatencyProxy.RealOdoo.Tests.Support;

// The parser the real-Odoo tests judge the proxy by: checked here on lines copied from Odoo 17's log, no server needed.
public sealed class OdooLogTests
{
    [Fact]
    public void AccessLine_WithPerfFigures_GivesPathStatusAndOdoosOwnTime()
    {
        var access = OdooLog.ParseAccess(
            "2026-11-30 00:09:45,123 41217 INFO odoo werkzeug: 127.0.0.1 - - [30/Nov/2026 00:09:45] \"POST /web/dataset/call_button?t=7f3a HTTP/1.1\" 200 - 25 0.012 0.034");

        Assert.NotNull(access);
        Assert.Equal(new DateTime(2026, 11, 30, 0, 9, 45, 123, DateTimeKind.Utc), access.Line.Time);
        Assert.Equal(41217, access.Line.Pid);
        Assert.Equal("odoo", access.Line.Database);
        Assert.Equal("POST", access.Method);
        Assert.Equal("/web/dataset/call_button?t=7f3a", access.Target);
        Assert.Equal("/web/dataset/call_button", access.Path);
        Assert.Equal(200, access.Status);
        Assert.Equal(25, access.QueryCount);
        Assert.Equal(0.046, access.OdooTime!.Value.TotalSeconds, precision: 6);
    }

    [Fact]
    public void AccessLine_WithoutPerfFigures_HasNoOdooTime()
    {
        var access = OdooLog.ParseAccess(
            "2026-11-30 00:09:45,123 41217 INFO ? werkzeug: 10.1.2.3 - - [30/Nov/2026 00:09:45] \"GET /web/health HTTP/1.1\" 200 - - - -");

        Assert.NotNull(access);
        Assert.Equal("10.1.2.3", access.Client);
        Assert.Null(access.QueryCount);
        Assert.Null(access.OdooTime);
    }

    [Fact]
    public void CronLine_EndingWithTheEmptyPerfInfosSpace_IsALogLineButNoAccessLine()
    {
        var line = OdooLog.ParseLine("2026-11-26 20:37:49,633 27801 INFO mydb odoo.addons.base.models.ir_cron: Job done: `Demo: ok` (0.002s). ");

        Assert.NotNull(line);
        Assert.Equal("odoo.addons.base.models.ir_cron", line.Logger);
        Assert.Equal("Job done: `Demo: ok` (0.002s).", line.Message);
        Assert.Null(OdooLog.ParseAccess(line));
    }

    [Fact]
    public void TracebackLine_IsNoLogLine() =>
        Assert.Null(OdooLog.ParseLine("  File \"/opt/odoo/odoo/http.py\", line 2189, in __call__"));

    [Fact]
    public void ReadSince_LeavesAPartialLastLineForLater()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "2026-11-30 00:00:00,000 1 INFO ? odoo: before\n");
            var offset = OdooLog.End(path);
            File.AppendAllText(path, "2026-11-30 00:00:01,000 1 WARNING odoo odoo.http: after\nTraceback\n2026-11-30 00:00:02,000 1 INFO odoo odoo: part");

            var lines = OdooLog.ReadSince(path, offset);

            Assert.Equal(["after"], lines.Select(l => l.Message));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public sealed class PrometheusTextTests
{
    [Fact]
    public void Samples_WithLabelsHoldingSpacesAndQuotes_AreSummedByLabel()
    {
        var samples = PrometheusText.Parse("""
            # TYPE odoo_cron_failures_total counter
            odoo_cron_failures_total{cron="Carrier sync \"eu\"",otel_scope_name="OdooLatencyProxy"} 3 1700000000000
            odoo_cron_failures_total{cron="Mail queue"} 1
            odoo_sale_order_confirmation_duration_seconds_count 2
            """);

        Assert.Equal(3, PrometheusText.Value(samples, "odoo_cron_failures_total", ("cron", "Carrier sync \"eu\"")));
        Assert.Equal(4, PrometheusText.Sum(samples, "odoo_cron_failures_total"));
        Assert.Equal(2, PrometheusText.Sum(samples, "odoo_sale_order_confirmation_duration_seconds_count"));
        Assert.Null(PrometheusText.Value(samples, "odoo_cron_failures_total", ("cron", "absent")));
    }
}
