using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Classification;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Forwarding;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace OdooLatencyProxy.Benchmarks.Telemetry;

/// <summary>
/// The per-request cost of telemetry: one call of the recorder at the end of a request, feeding both OTel histograms
/// (with an OpenTelemetry MeterProvider listening, as in the proxy), the rejection counter check and the HdrHistogram window.
/// </summary>
[MemoryDiagnoser]
public class RecordingBenchmarks
{
    private ServiceProvider _services = null!;
    private MeterProvider _meterProvider = null!;
    private TelemetryRecorder _recorder = null!;
    private DefaultHttpContext _context = null!;
    private RequestRecord _ok = null!;
    private RequestRecord _rpcError = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new ProxyOptions { Workers = 8 };
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var classifier = new RequestClassifier();
        var pools = new WorkerPools(options, TimeProvider.System);
        var windows = new LatencyWindows(TimeProvider.System, TimeSpan.FromSeconds(5));
        var meter = new OdooMeter(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), new RequestNaming(classifier), pools, windows,
            new WorkerSaturation(TimeProvider.System, new TelemetryOptions()));
        _meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(OdooMeter.MeterName).AddPrometheusExporter().Build();
        _recorder = new TelemetryRecorder(meter, windows, new InFlightRegistry(TimeProvider.System, new ForwardedHeaders(options)), TimeProvider.System);
        _context = new DefaultHttpContext();
        _context.Response.StatusCode = 200;
        var start = TimeProvider.System.GetTimestamp();
        _ok = new RequestRecord
        {
            Operation = classifier.FindOperation(OperationNames.SaleOrderConfirm)!,
            StartedAt = start,
            FinishedAt = start + TimeProvider.System.TimestampFrequency / 4,
            Pool = "odoo",
            QueueWait = TimeSpan.FromMilliseconds(3),
        };
        _rpcError = new RequestRecord
        {
            Operation = classifier.FindOperation(OperationNames.InvoicePost)!,
            Outcome = new ResponseOutcome(OdooOutcome.RpcError, OdooErrorClass.UserError),
            StartedAt = start,
            FinishedAt = start + TimeProvider.System.TimestampFrequency / 2,
            Pool = "odoo",
        };
        // First sight of each series allocates once (OTel's aggregator, the operation's HdrHistogram): not per request.
        _recorder.Record(_context, _ok);
        _recorder.Record(_context, _rpcError);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _meterProvider.Dispose();
        _services.Dispose();
    }

    [Benchmark(Description = "record: ok request (duration + queue histograms, HDR window)")]
    public void RecordOk() => _recorder.Record(_context, _ok);

    [Benchmark(Description = "record: rpc_error request (+ odoo.error attribute)")]
    public void RecordRpcError() => _recorder.Record(_context, _rpcError);
}
