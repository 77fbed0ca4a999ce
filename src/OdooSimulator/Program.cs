using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using OdooSimulator;
using OdooSimulator.Hosting;

var workers = new Option<int>("--workers") { Description = "Prefork HTTP workers (Odoo's --workers).", DefaultValueFactory = _ => 4 };
var httpPort = new Option<int>("--http-port") { Description = "HTTP worker port.", DefaultValueFactory = _ => 8069 };
var geventPort = new Option<int>("--gevent-port") { Description = "Gevent (websocket) port.", DefaultValueFactory = _ => 8072 };
var bind = new Option<string>("--bind") { Description = "Address to bind both ports to.", DefaultValueFactory = _ => "127.0.0.1" };
var backlog = new Option<int?>("--backlog") { Description = "Listen queue length (default 8 x workers)." };
var latencyScale = new Option<double>("--latency-scale") { Description = "Multiplier for every simulated latency.", DefaultValueFactory = _ => 1.0 };
var seed = new Option<int>("--seed") { Description = "Seed of the latency and error draws.", DefaultValueFactory = _ => 1 };
var errorRates = new Option<string[]>("--error-rate") { Description = "Failure probability of one operation, e.g. sale_order.confirm=0.05 (repeatable).", AllowMultipleArgumentsPerToken = false };
var verbose = new Option<bool>("--verbose") { Description = "Log every request (method, path without query, status, operation)." };

var root = new RootCommand("OdooSimulator: a stand-in Odoo 17 with prefork workers, a listen queue and a gevent websocket port.")
{
    workers, httpPort, geventPort, bind, backlog, latencyScale, seed, errorRates, verbose,
};

root.SetAction(async (parse, ct) =>
{
    if (!IPAddress.TryParse(parse.GetValue(bind), out var address))
    {
        await Console.Error.WriteLineAsync($"--bind: '{parse.GetValue(bind)}' is not an IP address.");
        return 2;
    }

    var rates = new Dictionary<string, double>(StringComparer.Ordinal);
    foreach (var item in parse.GetValue(errorRates) ?? [])
    {
        var eq = item.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || !double.TryParse(item[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate))
        {
            await Console.Error.WriteLineAsync($"--error-rate: '{item}' is not OPERATION=PROBABILITY.");
            return 2;
        }

        rates[item[..eq]] = rate;
    }

    var options = new SimulatorOptions
    {
        Workers = parse.GetValue(workers),
        HttpPort = parse.GetValue(httpPort),
        GeventPort = parse.GetValue(geventPort),
        BindAddress = address,
        Backlog = parse.GetValue(backlog),
        LatencyScale = parse.GetValue(latencyScale),
        Seed = parse.GetValue(seed),
        ErrorRates = rates,
    };

    using var loggerFactory = LoggerFactory.Create(logging => logging
        .AddSimpleConsole(console => console.SingleLine = true)
        .SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning));
    try
    {
        await using var server = await OdooSimulatorServer.StartAsync(options, loggerFactory, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"HTTP workers: {server.HttpUri}  gevent: {server.GeventUri}  stats: {server.GeventUri}__sim/stats  (Ctrl+C to stop)"));
        await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        return 0;
    }
    catch (ArgumentException ex)
    {
        await Console.Error.WriteLineAsync(ex.Message);
        return 2;
    }
});

return await root.Parse(args).InvokeAsync();
