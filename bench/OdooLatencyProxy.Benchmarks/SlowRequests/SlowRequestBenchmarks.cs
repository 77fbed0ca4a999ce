using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.RequestPath;
using OdooLatencyProxy.SlowRequests;

namespace OdooLatencyProxy.Benchmarks.SlowRequests;

/// <summary>
/// The slow-request log's cost on the request path: a request under its threshold (nearly every request: one comparison,
/// nothing allocated) and one over it (an entry built and written into the ring under a short lock).
/// </summary>
[MemoryDiagnoser]
public class SlowRequestBenchmarks
{
    private SlowRequestLog _log = null!;
    private DefaultHttpContext _context = null!;
    private ProxyExchange _fast = null!;
    private ProxyExchange _slow = null!;

    [GlobalSetup]
    public void Setup()
    {
        var classifier = new RequestClassifier();
        _log = new SlowRequestLog(TimeProvider.System, new TelemetryOptions());
        _context = new DefaultHttpContext();
        _context.Response.StatusCode = 200;
        var start = TimeProvider.System.GetTimestamp();
        var frequency = TimeProvider.System.TimestampFrequency;
        _fast = Exchange(classifier, start, start + frequency / 4);
        _slow = Exchange(classifier, start, start + frequency * 3);
    }

    [Benchmark(Description = "slow-request log: request under its threshold")]
    public void Fast() => _log.Record(_context, _fast);

    [Benchmark(Description = "slow-request log: request over its threshold (kept)")]
    public void Slow() => _log.Record(_context, _slow);

    private static ProxyExchange Exchange(RequestClassifier classifier, long start, long finished) => new()
    {
        Operation = classifier.FindOperation(OperationNames.SaleOrderConfirm)!,
        StartedAt = start,
        UpstreamStartedAt = start,
        UpstreamFinishedAt = finished,
        FinishedAt = finished,
        Method = "POST",
        Path = "/web/dataset/call_button/sale.order/action_confirm",
        Destination = "odoo:8069",
        Pool = "odoo",
    };
}
