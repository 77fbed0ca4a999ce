using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>One scrape job: its name, its targets' host:port and, as a shipped configuration has them, metric relabelings.</summary>
internal sealed record ScrapeJob(string Name, IReadOnlyList<Uri> Targets, YamlSequenceNode? MetricRelabelConfigs = null);

/// <summary>
/// A real Prometheus (Debian's package) on a free loopback port with a generated configuration and temporary storage,
/// scraping the given admin listeners every second and evaluating the given rule files every second.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _root;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string root, Uri uri)
    {
        _process = process;
        _root = root;
        Uri = uri;
        _http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(10) };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public Uri Uri { get; }

    /// <summary>Prometheus' own log so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (host:port of admin listeners) as <paramref name="job"/>, with the given rule files' contents.</summary>
    public static Task<PrometheusServer> StartAsync(string job, IEnumerable<Uri> targets, IReadOnlyDictionary<string, string> ruleFiles) =>
        StartAsync([new ScrapeJob(job, [.. targets])], ruleFiles);

    /// <summary>Starts Prometheus scraping every job's targets every second, with the given rule files' contents.</summary>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyList<ScrapeJob> jobs, IReadOnlyDictionary<string, string> ruleFiles)
    {
        var root = Directory.CreateTempSubdirectory("olp-prometheus-").FullName;
        foreach (var (name, text) in ruleFiles) await File.WriteAllTextAsync(Path.Combine(root, name), text);
        var scrapeConfigs = new YamlSequenceNode();
        foreach (var job in jobs)
        {
            var target = new YamlSequenceNode(job.Targets.Select(t => new YamlScalarNode(t.Authority)));
            var scrape = new YamlMappingNode
            {
                { "job_name", job.Name },
                { "metrics_path", "/metrics" },
                { "static_configs", new YamlSequenceNode(new YamlMappingNode { { "targets", target } }) },
            };
            if (job.MetricRelabelConfigs is not null) scrape.Add("metric_relabel_configs", job.MetricRelabelConfigs);
            scrapeConfigs.Add(scrape);
        }
        var document = new YamlMappingNode
        {
            { "global", new YamlMappingNode { { "scrape_interval", "1s" }, { "scrape_timeout", "1s" }, { "evaluation_interval", "1s" } } },
            { "rule_files", new YamlSequenceNode(ruleFiles.Keys.Select(k => new YamlScalarNode(Path.Combine(root, k)))) },
            { "scrape_configs", scrapeConfigs },
        };
        var config = new StringWriter();
        new YamlStream(new YamlDocument(document)).Save(config, assignAnchors: false);
        await File.WriteAllTextAsync(Path.Combine(root, "prometheus.yml"), config.ToString());
        var port = FreePort();
        var info = new ProcessStartInfo(ExternalTool.Find("prometheus"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--config.file=" + Path.Combine(root, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(root, "data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--storage.tsdb.retention.time=1h",
            "--log.level=warn",
        })
        {
            info.ArgumentList.Add(arg);
        }
        var server = new PrometheusServer(Process.Start(info)!, root, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await server.WaitAsync(async () => (await server._http.GetAsync(new Uri("/-/ready", UriKind.Relative))).IsSuccessStatusCode, "Prometheus ready", TimeSpan.FromSeconds(30));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>One instant query: the samples (labels and value), empty when the expression selects nothing.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string expr)
    {
        using var response = await _http.GetAsync(new Uri("/api/v1/query?query=" + Uri.EscapeDataString(expr), UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        if (json.RootElement.GetProperty("status").GetString() != "success") throw new InvalidOperationException($"query failed: {expr}: {body}");
        var data = json.RootElement.GetProperty("data");
        var result = data.GetProperty("result");
        if (data.GetProperty("resultType").GetString() == "scalar") return [(new Dictionary<string, string>(), ParseValue(result[1]))];
        return [.. result.EnumerateArray().Select(r => (
            (IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal),
            ParseValue(r.GetProperty("value")[1])))];
    }

    /// <summary>Active alerts (pending and firing) with their labels.</summary>
    public async Task<IReadOnlyList<(string State, IReadOnlyDictionary<string, string> Labels)>> AlertsAsync()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/api/v1/alerts", UriKind.Relative)));
        return [.. json.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Select(a => (
            a.GetProperty("state").GetString()!,
            (IReadOnlyDictionary<string, string>)a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)))];
    }

    /// <summary>Rule evaluation errors Prometheus reports (a rule whose query fails at run time).</summary>
    public async Task<IReadOnlyList<string>> RuleErrorsAsync()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/api/v1/rules", UriKind.Relative)));
        return [.. json.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Where(r => r.GetProperty("health").GetString() != "ok" && r.TryGetProperty("lastError", out var e) && e.GetString() is { Length: > 0 })
            .Select(r => $"{r.GetProperty("name").GetString()}: {r.GetProperty("lastError").GetString()}")];
    }

    public Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan deadline) =>
        Wait.UntilAsync(async () =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"Prometheus exited ({_process.ExitCode}): {Log}");
            try
            {
                return await condition();
            }
            catch (HttpRequestException)
            {
                return false; // Not listening yet.
            }
        }, what, deadline, () => Task.FromResult($"Prometheus log: {Log}"));

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static double ParseValue(JsonElement value) => value.GetString() switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var s => double.Parse(s!, CultureInfo.InvariantCulture),
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
