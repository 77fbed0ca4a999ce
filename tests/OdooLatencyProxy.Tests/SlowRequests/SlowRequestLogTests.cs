using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Odoo.Logs;
using OdooLatencyProxy.RequestPath;
using OdooLatencyProxy.SlowRequests;

namespace OdooLatencyProxy.Tests.SlowRequests;

public sealed class SlowRequestLogTests
{
    // sale_order.confirm gets its own threshold (4 s); ui.bootstrap has none, so the default (2 s) applies.
    private static readonly RequestClassifier Classifier = new(new ClassificationOptions
    {
        Rules = [new ClassificationRule { Name = OperationNames.SaleOrderConfirm, ThresholdSeconds = 4 }],
    });
    private static readonly Operation Confirm = Classifier.FindOperation(OperationNames.SaleOrderConfirm)!;
    private static readonly Operation Bootstrap = Classifier.ClassifyRoute("GET", "/odoo/action-42").Operation;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Record_SlowerThanTheDefaultThreshold_KeptWithItsFigures_PathWithoutQueryString()
    {
        var log = Log();
        var started = _time.GetUtcNow();

        var exchange = Finish(log, Bootstrap, queued: 0.5, atOdoo: 2.0, path: "/odoo/action-42", query: "?access_token=SECRET");

        var entry = Assert.Single(log.Snapshot(sampling: true));
        Assert.Equal(started, entry.StartedAt);
        Assert.Equal("ui.bootstrap", entry.Operation);
        Assert.Equal("GET", entry.Method);
        Assert.Equal("/odoo/action-42", entry.Path);
        Assert.Equal(200, entry.Status);
        Assert.Equal("ok", entry.Outcome);
        Assert.Equal("odoo:8069", entry.Destination);
        Assert.Equal(2.0, entry.ThresholdSeconds, 6);
        Assert.Equal(0.5, entry.QueuedSeconds, 6);
        Assert.Equal(2.0, entry.OdooSeconds!.Value, 6);
        Assert.Equal(2.5, entry.TotalSeconds, 6);
        Assert.Equal(started + TimeSpan.FromSeconds(2.5), entry.FinishedAt);
        Assert.Null(entry.Cost);
        Assert.Null(entry.Statements);
        Assert.Equal(SlowRequestStatements.Waiting, entry.StatementsState);
        Assert.NotNull(exchange);
    }

    [Fact]
    public void Record_FasterThanTheDefaultThreshold_NotKept()
    {
        var log = Log();

        Finish(log, Bootstrap, atOdoo: 1.9);
        Finish(log, Bootstrap, atOdoo: 2.0);

        Assert.Empty(log.Snapshot(sampling: true));
    }

    [Fact]
    public void Record_OperationWithItsOwnThreshold_JudgedByIt_NotByTheDefault()
    {
        var log = Log();

        Finish(log, Confirm, atOdoo: 3.0);
        Finish(log, Confirm, atOdoo: 4.5);

        var entry = Assert.Single(log.Snapshot(sampling: true));
        Assert.Equal("sale_order.confirm", entry.Operation);
        Assert.Equal(4.5, entry.TotalSeconds, 6);
        Assert.Equal(4.0, entry.ThresholdSeconds, 6);
    }

    [Fact]
    public void Record_DefaultThresholdSetting_Honoured()
    {
        var log = Log(new TelemetryOptions { SlowRequestThreshold = TimeSpan.FromMilliseconds(300) });

        Finish(log, Bootstrap, atOdoo: 0.2);
        Finish(log, Bootstrap, atOdoo: 0.4);

        Assert.Equal(0.4, Assert.Single(log.Snapshot(sampling: true)).TotalSeconds, 6);
    }

    [Fact]
    public void Record_MoreSlowRequestsThanTheCapacity_KeepsTheNewest_NewestFirst()
    {
        var log = Log(new TelemetryOptions { SlowRequests = 3 });

        for (var i = 1; i <= 5; i++) Finish(log, Bootstrap, atOdoo: 2 + i, path: $"/odoo/action-{i}");

        Assert.Equal(["/odoo/action-5", "/odoo/action-4", "/odoo/action-3"], log.Snapshot(sampling: true).Select(e => e.Path));
    }

    [Fact]
    public void Record_RealtimeSession_NotKept_ItsDurationIsASessionLength()
    {
        var log = Log();

        Finish(log, Classifier.ClassifyRoute("GET", "/websocket").Operation, atOdoo: 60);

        Assert.Empty(log.Snapshot(sampling: true));
    }

    [Fact]
    public void Record_FastRequest_AllocatesNothing()
    {
        var log = Log();
        var context = new DefaultHttpContext();
        var exchange = Exchange(Bootstrap, queued: 0, atOdoo: 0.1);
        log.Record(context, exchange);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) log.Record(context, exchange);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(100, false)]
    public void Record_Disabled_KeepsNothing(int capacity, bool telemetryEnabled)
    {
        var log = Log(new TelemetryOptions { SlowRequests = capacity, Enabled = telemetryEnabled });

        Finish(log, Bootstrap, atOdoo: 10);

        Assert.Equal(0, log.Capacity);
        Assert.Empty(log.Snapshot(sampling: true));
    }

    [Fact]
    public void CostJoined_AfterTheRequestWasRecorded_AttachesOdoosFigures()
    {
        var log = Log();
        var exchange = Finish(log, Bootstrap, atOdoo: 3);

        log.CostJoined(exchange, new OdooRequestCost(4242, 317, TimeSpan.FromSeconds(2.25), TimeSpan.FromSeconds(0.5)));

        var cost = Assert.Single(log.Snapshot(sampling: true)).Cost;
        Assert.Equal(new SlowRequestCost(4242, 317, 2.25, 0.5), cost);
    }

    [Fact]
    public void CostJoined_ForAnExchangeNotKept_Ignored()
    {
        var log = Log();
        var slow = Finish(log, Bootstrap, atOdoo: 3);
        var fast = Finish(log, Bootstrap, atOdoo: 0.1);

        log.CostJoined(fast, new OdooRequestCost(1, 2, TimeSpan.FromSeconds(0.05), TimeSpan.FromSeconds(0.05)));
        log.CostJoined(Exchange(Bootstrap, 0, 9), new OdooRequestCost(1, 2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));

        Assert.Null(Assert.Single(log.Snapshot(sampling: true)).Cost);
        Assert.NotNull(slow);
    }

    [Fact]
    public void Sampled_AfterTheRequestEnded_AttachesTheStatementsActiveDuringIt_OnlyThose()
    {
        var log = Log();
        var history = new ActivityHistory(100, TimeSpan.FromSeconds(1), sampling: true, [log]);
        var t0 = _time.GetUtcNow();
        // Before the request: a statement seen once at t0 and gone at t0+1 s.
        history.Add(t0, [Row(10, t0, 0, "SELECT 1")], Normalize);
        _time.Advance(TimeSpan.FromSeconds(1));
        history.Add(_time.GetUtcNow(), [], Normalize);
        // The request runs from t0+1 s to t0+4 s; pg_sleep starts at t0+2 s and is still running at t0+3 s.
        var exchange = Exchange(Bootstrap, queued: 0, atOdoo: 3);
        _time.Advance(TimeSpan.FromSeconds(2));
        history.Add(_time.GetUtcNow(), [Row(20, t0 + TimeSpan.FromSeconds(2), 1, "SELECT pg_sleep(5)")], Normalize);
        _time.Advance(TimeSpan.FromSeconds(1));
        log.Record(new DefaultHttpContext(), Stamp(exchange));
        Assert.Equal(SlowRequestStatements.Waiting, Assert.Single(log.Snapshot(sampling: true)).StatementsState);

        _time.Advance(TimeSpan.FromSeconds(0.5));
        history.Add(_time.GetUtcNow(), [Row(20, t0 + TimeSpan.FromSeconds(2), 2.5, "SELECT pg_sleep(5)")], Normalize);

        var entry = Assert.Single(log.Snapshot(sampling: true));
        var statement = Assert.Single(entry.Statements!);
        Assert.Equal(SlowRequestStatements.Sampled, entry.StatementsState);
        Assert.Equal(20, statement.Pid);
        Assert.Equal("SELECT pg_sleep(?)", statement.Query);
        Assert.Equal(t0 + TimeSpan.FromSeconds(2), statement.QueryStart);
    }

    [Fact]
    public void Snapshot_CollectorOff_SaysTheStatementsAreNotSampled()
    {
        var log = Log();
        Finish(log, Bootstrap, atOdoo: 3);

        Assert.Equal(SlowRequestStatements.NotSampled, Assert.Single(log.Snapshot(sampling: false)).StatementsState);
    }

    private SlowRequestLog Log(TelemetryOptions? options = null) => new(_time, options ?? new TelemetryOptions());

    // The real normaliser's job is tested with the collector; here literals just become "?".
    private static string Normalize(string? sql) => System.Text.RegularExpressions.Regex.Replace(sql ?? "", @"\d+", "?");

    private static ActiveRow Row(int pid, DateTimeOffset queryStart, double ageSeconds, string query) =>
        new(pid, "odoo", queryStart.UtcDateTime, ageSeconds, query, null, null);

    // A request arriving now, queued then at Odoo for the given seconds, recorded when it ends (the clock moves on).
    private ProxyExchange Finish(SlowRequestLog log, Operation operation, double queued = 0, double atOdoo = 0, string path = "/odoo/action-42", string query = "")
    {
        var exchange = Exchange(operation, queued, atOdoo, path);
        _time.Advance(TimeSpan.FromSeconds(queued + atOdoo));
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Response.StatusCode = 200;
        log.Record(context, Stamp(exchange));
        return exchange;
    }

    private ProxyExchange Exchange(Operation operation, double queued, double atOdoo, string path = "/odoo/action-42")
    {
        var start = _time.GetTimestamp();
        var f = _time.TimestampFrequency;
        return new ProxyExchange
        {
            StartedAt = start,
            Operation = operation,
            Method = "GET",
            Path = path,
            Destination = "odoo:8069",
            QueueWait = TimeSpan.FromSeconds(queued),
            UpstreamStartedAt = start + (long)(queued * f),
            UpstreamFinishedAt = start + (long)((queued + atOdoo) * f),
            FinishedAt = start + (long)((queued + atOdoo) * f),
        };
    }

    // The end of the proxy's work is what the clock says now (the request path stamps it just before recording).
    private ProxyExchange Stamp(ProxyExchange exchange)
    {
        exchange.FinishedAt = _time.GetTimestamp();
        return exchange;
    }
}
