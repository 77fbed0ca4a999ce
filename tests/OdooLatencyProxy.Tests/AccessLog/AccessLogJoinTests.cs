using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OdooLatencyProxy.AccessLog;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Odoo.Logs;
using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.Tests.AccessLog;

public sealed class AccessLogJoinTests
{
    private static readonly RequestClassifier Classifier = new();
    private static readonly Operation Confirm = Classifier.FindOperation(OperationNames.SaleOrderConfirm)!;
    private static readonly Operation Post = Classifier.FindOperation(OperationNames.InvoicePost)!;
    private static readonly DateTime Origin = new(2026, 11, 30, 6, 0, 0, DateTimeKind.Utc);

    private readonly FakeTimeProvider _time = new(Origin);
    private readonly long _t0;
    private readonly Listener _listener = new();
    private readonly AccessLogJoin _join;

    public AccessLogJoinTests()
    {
        _t0 = _time.GetTimestamp();
        _join = new AccessLogJoin(_time, [_listener], NullLogger<AccessLogJoin>.Instance);
    }

    [Fact]
    public void Read_LineOfARecordedExchange_CostGoesToTheListenersOnceSettled()
    {
        var exchange = Record(Confirm, "/web/dataset/call_button?t=1", from: 0.0, to: 0.2);

        Read(Line("/web/dataset/call_button?t=1", at: 0.19, queries: 57));
        Assert.Empty(_listener.Joined); // Not settled yet: a slower exchange may still come.
        Pass(1.5);
        Read();

        var (joined, cost) = Assert.Single(_listener.Joined);
        Assert.Same(exchange, joined);
        Assert.Equal(new OdooRequestCost(4242, 57, TimeSpan.FromSeconds(0.010), TimeSpan.FromSeconds(0.020)), cost);
        Assert.Equal(1, _join.Status().Matched);
        Assert.Equal(0, _join.Status().Waiting);
    }

    [Fact]
    public void Read_LineReadBeforeItsExchangeIsRecorded_StillJoined()
    {
        // A slow client: Odoo logged the line long before the proxy finished sending the response.
        Pass(0.5);
        Read(Line("/web/content/42?download=true", at: 0.1, queries: 3));
        var exchange = Record(Confirm, "/web/content/42?download=true", from: 0.0, to: 0.2);
        Pass(1);
        Read();

        Assert.Same(exchange, Assert.Single(_listener.Joined).Exchange);
    }

    [Fact]
    public void Read_ManyConcurrentExchangesOfOneOperation_EachLineJoinedOnceAndEveryExchangeOnce()
    {
        // 200 overlapping requests of one target on two workers; lines arrive grouped by worker, not in time order.
        var exchanges = Enumerable.Range(0, 200).Select(i => Record(Confirm, "/web/dataset/call_button", from: i * 0.01, to: i * 0.01 + 0.5)).ToList();
        Pass(3);
        Read([.. Enumerable.Range(0, 200).OrderBy(i => i % 2).Select(i => Line("/web/dataset/call_button", at: i * 0.01 + 0.45, queries: i, pid: 100 + i % 2))]);
        Pass(1.5);
        Read();

        Assert.Equal(200, _listener.Joined.Count);
        Assert.Equal(200, _listener.Joined.Select(j => j.Exchange).Distinct().Count());
        Assert.Equal(200, _listener.Joined.Select(j => j.Cost.QueryCount).Distinct().Count());
        Assert.Equal(new AccessLogCounts(200, 0, 0, 0), Counts());
    }

    [Fact]
    public void Read_OverlappingExchangesOfOneTarget_EachLineGoesToTheExchangeThatEndedNearestIt()
    {
        // x was at Odoo 0-1 s; y 0.5-0.6 s inside it, but recorded after x (a slow client): both contain y's line.
        var x = Record(Confirm, "/web/dataset/call_button", from: 0.0, to: 1.0);
        Pass(0.1);
        var y = Record(Confirm, "/web/dataset/call_button", from: 0.5, to: 0.6);
        Read(Line("/web/dataset/call_button", at: 0.6, queries: 6), Line("/web/dataset/call_button", at: 1.0, queries: 10));
        Pass(1.5);
        Read();

        Assert.Equal(6, _listener.Joined.Single(j => j.Exchange == y).Cost.QueryCount);
        Assert.Equal(10, _listener.Joined.Single(j => j.Exchange == x).Cost.QueryCount);
    }

    [Fact]
    public void Read_ExchangesOfDifferentOperationsThatTimeCannotTellApart_LineCountedAmbiguousAndAttributedToNone()
    {
        // /jsonrpc: the operation comes from the body, so two different operations share method, target and status.
        Record(Confirm, "/jsonrpc", from: 0.0, to: 0.4);
        Record(Post, "/jsonrpc", from: 0.1, to: 0.5);
        Pass(1);
        Read(Line("/jsonrpc", at: 0.3, queries: 9), Line("/jsonrpc", at: 0.35, queries: 10));
        Pass(1.5);
        Read();

        Assert.Empty(_listener.Joined);
        Pass(120);
        Read();
        // Their exchanges are not counted a second time as never logged.
        Assert.Equal(new AccessLogCounts(0, 0, 2, 0), Counts());
    }

    [Fact]
    public void Read_ExchangesOfDifferentOperationsApartInTime_TimePicksTheOneTheLineFallsIn()
    {
        Record(Confirm, "/jsonrpc", from: 0.0, to: 0.1);
        var post = Record(Post, "/jsonrpc", from: 0.5, to: 0.6);
        Pass(1);
        Read(Line("/jsonrpc", at: 0.55, queries: 9));
        Pass(1.5);
        Read();

        Assert.Same(post, Assert.Single(_listener.Joined).Exchange);
    }

    [Fact]
    public void Read_LineThatNeverComes_ExchangeCountedNoLineAfterTheTimeout()
    {
        Record(Confirm, "/web/dataset/call_button", from: 0.0, to: 0.2);
        Pass(59);
        Read();
        Assert.Equal(new AccessLogCounts(0, 0, 0, 0), Counts());
        Pass(2);
        Read();

        Assert.Equal(new AccessLogCounts(0, 0, 0, 1), Counts());
        Assert.Equal(0, _join.Status().Waiting);
    }

    [Fact]
    public void Read_LineOfARequestThatDidNotGoThroughTheProxy_CountedUnmatchedAfterTheTimeout()
    {
        Record(Confirm, "/web/dataset/call_button", from: 0.0, to: 0.2);
        Pass(1);
        // Odoo's queue_job runner calls Odoo directly; another status, another target, or far outside the exchange's time.
        Read(Line("/queue_job/runjob?db=odoo&job_uuid=1", at: 0.1, queries: 28),
            Line("/web/dataset/call_button", at: 0.1, queries: 1, status: 500),
            Line("/web/dataset/call_button", at: 5.0, queries: 1));
        Pass(29);
        Read();
        Assert.Equal(0, Counts().Unmatched);
        Pass(2);
        Read();

        Assert.Equal(3, Counts().Unmatched);
        Assert.Empty(_listener.Joined);
    }

    [Fact]
    public void Read_TargetPercentEncodedByTheClientAndDecodedByWerkzeug_Joined()
    {
        var exchange = Record(Confirm, "/shop/caf%C3%A9?q=%C3%A9t%C3%A9%20x", from: 0.0, to: 0.2);
        Pass(1);
        Read(Line("/shop/café?q=été%20x", at: 0.1, queries: 4));
        Pass(1.5);
        Read();

        Assert.Same(exchange, Assert.Single(_listener.Joined).Exchange);
    }

    [Fact]
    public void Status_LinesNameAnotherClient_WarnsAboutProxyMode()
    {
        Record(Confirm, "/web/dataset/call_button", from: 0.0, to: 0.2);
        Pass(1);
        Read(Line("/web/dataset/call_button", at: 0.1, queries: 1, client: "127.0.0.9"));
        Pass(1.5);
        Read();

        var status = _join.Status();
        Assert.Equal("warning", status.State);
        Assert.Contains("proxy_mode", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_RequestsButNoAccessLinesForMinutes_SaysToCheckLogLevel()
    {
        Assert.Equal("waiting", _join.Status().State);
        Record(Confirm, "/web/dataset/call_button", from: 0.0, to: 0.2);
        Pass(299);
        Read();
        Assert.Equal("waiting", _join.Status().State);
        Pass(2);
        Read();

        var status = _join.Status();
        Assert.Equal("warning", status.State);
        Assert.Contains("no access lines seen in 5 minutes", status.Message, StringComparison.Ordinal);
        Assert.Contains("log_level info", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_IdleAfterLinesWereSeen_StaysOk()
    {
        Record(Confirm, "/web/dataset/call_button", from: 0.0, to: 0.2);
        Pass(1);
        Read(Line("/web/dataset/call_button", at: 0.1, queries: 1));
        Pass(1.5);
        Read();
        Pass(3600);
        Read();

        Assert.Equal(("ok", (string?)null), (_join.Status().State, _join.Status().Message));
    }

    [Fact]
    public void Status_LogCannotBeRead_SaysWhy()
    {
        _join.Read([], "Odoo log '/var/log/odoo/odoo.log' does not exist");

        Assert.Equal(("warning", "Odoo log '/var/log/odoo/odoo.log' does not exist"), (_join.Status().State, _join.Status().Message));
    }

    [Fact]
    public void Record_RequestThatNeverReachedOdoo_IsNotWaitedFor()
    {
        var context = Context("/web/dataset/call_button", 503);
        _join.Record(context, new ProxyExchange { Operation = Confirm, Pool = "odoo" });
        Pass(120);
        Read();

        Assert.Equal(new AccessLogCounts(0, 0, 0, 0), Counts());
    }

    private ProxyExchange Record(Operation operation, string rawTarget, double from, double to, int status = 200)
    {
        var exchange = new ProxyExchange { StartedAt = At(from), Operation = operation, Pool = "odoo" };
        exchange.UpstreamStartedAt = At(from);
        exchange.UpstreamFinishedAt = At(to);
        exchange.FinishedAt = At(to);
        if (_time.GetUtcNow().UtcDateTime < Origin.AddSeconds(to)) _time.SetUtcNow(Origin.AddSeconds(to));
        _join.Record(Context(rawTarget, status), exchange);
        return exchange;
    }

    private static DefaultHttpContext Context(string rawTarget, int status)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        context.Response.StatusCode = status;
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.7");
        return context;
    }

    private static OdooLogLine Line(string target, double at, int queries, int status = 200, string client = "10.0.0.7", int pid = 4242) =>
        OdooLogLine.Parse(OdooAccessLine.Format(Origin.AddSeconds(at), "odoo", client, "POST", target, status, pid,
            new OdooRequestCost(pid, queries, TimeSpan.FromSeconds(0.010), TimeSpan.FromSeconds(0.020))))!;

    private void Read(params OdooLogLine[] lines) => _join.Read(lines, problem: null);

    private long At(double seconds) => _t0 + (long)(seconds * _time.TimestampFrequency);

    private void Pass(double seconds) => _time.Advance(TimeSpan.FromSeconds(seconds));

    private AccessLogCounts Counts()
    {
        var s = _join.Status();
        return new AccessLogCounts(s.Matched, s.Unmatched, s.Ambiguous, s.NoLine);
    }

    private sealed record AccessLogCounts(long Matched, long Unmatched, long Ambiguous, long NoLine);

    private sealed class Listener : IOdooCostListener
    {
        public List<(ProxyExchange Exchange, OdooRequestCost Cost)> Joined { get; } = [];

        public void CostJoined(ProxyExchange exchange, OdooRequestCost cost) => Joined.Add((exchange, cost));
    }
}
