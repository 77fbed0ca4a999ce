using System.Text;
using Microsoft.Extensions.Configuration;
using OdooSimulator;
using OdooSimulator.Hosting;

namespace OdooLatencyProxy.Demo;

/// <summary>
/// The proxy in front of the built-in Odoo simulator with a light, Odoo-shaped traffic source,
/// so a first run shows something real without an Odoo at hand.
/// </summary>
internal sealed partial class DemoMode : IAsyncDisposable
{
    private readonly OdooSimulatorServer _simulator;
    private readonly CancellationTokenSource _stop = new();
    private Task _traffic = Task.CompletedTask;

    private DemoMode(OdooSimulatorServer simulator) => _simulator = simulator;

    /// <summary>Starts a simulated Odoo (4 workers, a few business errors).</summary>
    public static async Task<DemoMode> StartAsync()
    {
        var simulator = await OdooSimulatorServer.StartAsync(new SimulatorOptions
        {
            Workers = 4,
            ErrorRates = new Dictionary<string, double> { [SimOperations.InvoicePost] = 0.05, [SimOperations.SaleOrderConfirm] = 0.02 },
        });
        return new DemoMode(simulator);
    }

    /// <summary>Settings that point the proxy at the simulator; the simulator's worker count unless one is configured.</summary>
    public IReadOnlyDictionary<string, string?> Settings(IConfiguration configuration) => new Dictionary<string, string?>
    {
        ["Proxy:Upstreams:0"] = _simulator.HttpUri.ToString(),
        ["Proxy:GeventUpstreams:0"] = _simulator.GeventUri.ToString(),
        ["Proxy:Workers"] = configuration["Proxy:Workers"] is { Length: > 0 } workers && workers != "0"
            ? workers
            : _simulator.Options.Workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Sends a mix of Odoo requests through the proxy at a few per second until disposed.</summary>
    public void StartTraffic(Uri proxy, ILogger logger)
    {
        _traffic = Task.Run(async () =>
        {
            using var client = new HttpClient { BaseAddress = proxy, Timeout = TimeSpan.FromSeconds(30) };
            var random = new Random(17);
            var id = 0;
            while (!_stop.IsCancellationRequested)
            {
                var (method, path, body) = Requests[random.Next(Requests.Length)];
                try
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (body is not null) request.Content = new StringContent(body.Replace("\"id\":0", $"\"id\":{++id}", StringComparison.Ordinal), Encoding.UTF8, "application/json");
                    using var response = await client.SendAsync(request, _stop.Token);
                    await response.Content.LoadIntoBufferAsync(_stop.Token);
                    await Task.Delay(TimeSpan.FromMilliseconds(random.Next(50, 400)), _stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpRequestException e)
                {
                    LogTrafficError(logger, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
                }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _traffic;
        }
        catch (OperationCanceledException)
        {
        }
        await _simulator.DisposeAsync();
        _stop.Dispose();
    }

    // What a sales team's browsers and one API client send, as the web client sends it (see the captures).
    private static readonly (string Method, string Path, string? Body)[] Requests =
    [
        ("POST", "/web/dataset/call_kw/sale.order/web_search_read", """{"id":0,"jsonrpc":"2.0","method":"call","params":{"model":"sale.order","method":"web_search_read","args":[],"kwargs":{"specification":{"name":{}},"limit":80}}}"""),
        ("POST", "/web/dataset/call_kw/sale.order/web_read", """{"id":0,"jsonrpc":"2.0","method":"call","params":{"model":"sale.order","method":"web_read","args":[[7]],"kwargs":{"specification":{"name":{}}}}}"""),
        ("POST", "/web/dataset/call_kw/sale.order/web_save", """{"id":0,"jsonrpc":"2.0","method":"call","params":{"model":"sale.order","method":"web_save","args":[[7],{"note":"demo"}],"kwargs":{"specification":{}}}}"""),
        ("POST", "/web/dataset/call_button", """{"id":0,"jsonrpc":"2.0","method":"call","params":{"args":[[7]],"kwargs":{"context":{}},"method":"action_confirm","model":"sale.order"}}"""),
        ("POST", "/web/dataset/call_button", """{"id":0,"jsonrpc":"2.0","method":"call","params":{"args":[[12]],"kwargs":{"context":{}},"method":"action_post","model":"account.move"}}"""),
        ("POST", "/web/dataset/call_button", """{"id":0,"jsonrpc":"2.0","method":"call","params":{"args":[[3]],"kwargs":{"context":{"active_model":"sale.order","active_ids":[7]}},"method":"create_invoices","model":"sale.advance.payment.inv"}}"""),
        ("GET", "/web/assets/1/web.assets_web.min.js", null),
        ("GET", "/web/health", null),
        ("GET", "/report/pdf/sale.report_saleorder/7", null),
    ];

    [LoggerMessage(EventId = 1900, Level = LogLevel.Warning, Message = "Demo traffic request failed: {Reason}")]
    private static partial void LogTrafficError(ILogger logger, string reason);
}
