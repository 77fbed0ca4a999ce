using System.Diagnostics;
using System.Globalization;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>
/// Drives a peer with the web client's JSON-RPC POST: a fixed rate with <c>hey</c> (each client paced, keep-alive,
/// as browsers are) and a peak run with <c>wrk</c> (as fast as the peer answers).
/// </summary>
internal sealed class LoadDriver
{
    /// <summary>The fixed-rate run's clients unless <c>--clients</c> says otherwise: issue 11's load.</summary>
    public const int RateClients = 16;
    public const int PeakConnections = 32;
    public const int PeakThreads = 2;
    private const string Path = "/web/dataset/call_kw/sale.order/web_read";

    // The body Odoo 17's web client sends to open a sale order (web_read with a field specification).
    private const string Body =
        """{"id":13,"jsonrpc":"2.0","method":"call","params":{"model":"sale.order","method":"web_read","args":[[9]],"kwargs":{"specification":{"name":{},"state":{},"amount_total":{},"partner_id":{"fields":{"display_name":{}}}},"context":{"lang":"en_US","tz":"Europe/Brussels","uid":2,"allowed_company_ids":[1],"bin_size":true}}}}""";

    private readonly string _bodyFile;
    private readonly string _wrkScript;

    public LoadDriver(string directory)
    {
        _bodyFile = System.IO.Path.Combine(directory, "body.json");
        _wrkScript = System.IO.Path.Combine(directory, "post.lua");
        File.WriteAllText(_bodyFile, Body);
        File.WriteAllText(_wrkScript, $"""
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            wrk.body = [[{Body}]]

            """);
    }

    /// <summary><paramref name="rate"/> requests per second in all, spread over <paramref name="clients"/> paced clients.</summary>
    public async Task<LoadReport> FixedRateAsync(Uri peer, int seconds, double rate, int clients, CancellationToken cancel) =>
        LoadReport.ParseHey(await RunAsync(Tools.Hey, ["-z", $"{seconds}s", "-c", $"{clients}",
            "-q", (rate / clients).ToString(CultureInfo.InvariantCulture), "-m", "POST", "-T", "application/json",
            "-D", _bodyFile, new Uri(peer, Path).ToString()], seconds, cancel));

    public async Task<LoadReport> PeakAsync(Uri peer, int seconds, CancellationToken cancel) =>
        LoadReport.ParseWrk(await RunAsync(Tools.Wrk, ["-c", $"{PeakConnections}", "-t", $"{PeakThreads}", "-d", $"{seconds}s",
            "--latency", "-s", _wrkScript, new Uri(peer, Path).ToString()], seconds, cancel));

    private static async Task<string> RunAsync(string program, string[] arguments, int seconds, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        // Both tools stop by themselves after the duration; the deadline only catches a hung one.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds + 30));
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancel.ThrowIfCancellationRequested();
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not end within {seconds + 30} s");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await errors}");
        }
        return await output;
    }
}
