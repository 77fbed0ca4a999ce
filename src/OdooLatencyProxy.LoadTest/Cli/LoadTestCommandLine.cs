using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OdooLatencyProxy.LoadTest.CrossCheck;
using OdooLatencyProxy.LoadTest.Replay;
using OdooLatencyProxy.LoadTest.Results;
using OdooLatencyProxy.LoadTest.Scenarios;
using OdooLatencyProxy.LoadTest.Thresholds;
using OdooSimulator;

namespace OdooLatencyProxy.LoadTest.Cli;

/// <summary>The harness's commands: <c>run</c>, <c>tune</c>, <c>replay</c>.</summary>
internal static class LoadTestCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("OdooLatencyProxy.LoadTest: Odoo-shaped load (open and closed models), HDR percentiles, proxy cross-check, thresholds and threshold tuning.");
        root.Subcommands.Add(Run());
        root.Subcommands.Add(Tune());
        root.Subcommands.Add(ReplayCommand());
        return root;
    }

    /// <summary>Parses and runs; output and errors go to the given writers (tests pass their own).</summary>
    public static Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default) =>
        Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output ?? Console.Out, Error = error ?? Console.Error }, cancellationToken);

    private static Command Run()
    {
        var scenario = new Argument<string?>("scenario") { Description = "scenario file (JSON), or the name of a shipped one: sales-day, accounting-close, webshop-peak, long-job-holds-workers", Arity = ArgumentArity.ZeroOrOne };
        var target = new Option<string?>("--target") { Description = "base URL of Odoo or of the proxy in front of it; default: start the simulator and the proxy in-process" };
        var admin = new Option<string?>("--proxy-admin") { Description = "the proxy's admin URL (e.g. http://127.0.0.1:9090): read its percentiles and cross-check" };
        var duration = new Option<string?>("--duration") { Description = "how long load starts, e.g. 60s, 5m (default: the scenario's, else 60s)" };
        var rate = new Option<double?>("--rate") { Description = "open model: arrivals per second (constant)" };
        var users = new Option<int?>("--users") { Description = "closed model: concurrent users, each waiting for its answer plus think time" };
        var think = new Option<string?>("--think") { Description = "closed model think time, e.g. 1s or 1s-3s" };
        var maxRequests = new Option<long?>("--max-requests") { Description = "stop after this many requests" };
        var timeout = new Option<string>("--timeout") { Description = "request timeout", DefaultValueFactory = _ => "60s" };
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "open model: most steps in flight; arrivals beyond are dropped and counted", DefaultValueFactory = _ => 1000 };
        var sessions = new Option<int?>("--sessions") { Description = "open model: logged-in sessions the arrivals share (default: the scenario's)" };
        var output = new Option<string>("--out") { Description = "folder for report.json and report.html", DefaultValueFactory = _ => "loadtest-report" };
        var threshold = new Option<string[]>("--threshold") { Description = "pass/fail rule, repeatable: 'sale_order.confirm: p95 < 2s', 'failure_rate < 1%' (every operation)", AllowMultipleArgumentsPerToken = false };
        var thresholdsFile = new Option<string?>("--thresholds") { Description = "thresholds file (thresholds.yml from tune, or JSON of the same shape)" };
        var database = new Option<string?>("--database") { Description = "Odoo database to log in to (default: the scenario's, else odoo)" };
        var login = new Option<string?>("--login") { Description = "Odoo login (default: the scenario's, else admin)" };
        var password = new Option<string?>("--password") { Description = "Odoo password; better: the ODOO_PASSWORD environment variable" };
        var anonymous = new Option<bool>("--anonymous") { Description = "no login (public pages, webshop visitors)" };
        var parameters = new Option<string[]>("--param") { Description = "override a scenario parameter, repeatable: order_id=42, job_ms=1500", AllowMultipleArgumentsPerToken = false };
        var seed = new Option<int>("--seed") { Description = "seed of step and parameter picks", DefaultValueFactory = _ => 1 };
        var classification = new Option<string?>("--classification") { Description = "the proxy's settings file: its Classification rules name operations here too" };
        var fromCapture = new Option<string?>("--from-capture") { Description = "replay a JSONL capture (format in docs/loadtest.md) instead of a scenario file" };
        var tolerance = new Option<string>("--agreement") { Description = "cross-check overhead allowance: ABSOLUTE+RELATIVE%", DefaultValueFactory = _ => "5ms+10%" };
        var requireAgreement = new Option<bool>("--require-agreement") { Description = "exit 98 unless the cross-check agrees" };
        var workers = new Option<int>("--sim-workers") { Description = "built-in simulator: prefork workers", DefaultValueFactory = _ => 4 };
        var latencyScale = new Option<double>("--sim-latency-scale") { Description = "built-in simulator: multiplier of its latencies", DefaultValueFactory = _ => 1.0 };
        var quiet = new Option<bool>("--quiet") { Description = "no progress display" };

        var command = new Command("run", "Run a scenario, print the per-operation table, write report.json and report.html; exit 99 when a threshold fails.")
        {
            scenario, target, admin, duration, rate, users, think, maxRequests, timeout, maxInFlight, sessions, output, threshold, thresholdsFile,
            database, login, password, anonymous, parameters, seed, classification, fromCapture, tolerance, requireAgreement, workers, latencyScale, quiet,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(rate) is not null && result.GetValue(users) is not null)
            {
                result.AddError("--rate (open model) and --users (closed model) exclude each other");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            RunRequest request;
            try
            {
                request = new RunRequest
                {
                    ScenarioPath = parse.GetValue(scenario),
                    FromCapture = parse.GetValue(fromCapture),
                    Target = Url("--target", parse.GetValue(target)),
                    ProxyAdmin = Url("--proxy-admin", parse.GetValue(admin)),
                    Duration = parse.GetValue(duration) is { } d ? Durations.Parse(d, "--duration") : null,
                    Rate = parse.GetValue(rate),
                    Users = parse.GetValue(users),
                    ThinkTime = parse.GetValue(think),
                    MaxRequests = parse.GetValue(maxRequests),
                    RequestTimeout = Durations.Parse(parse.GetValue(timeout), "--timeout"),
                    MaxInFlight = parse.GetValue(maxInFlight),
                    Sessions = parse.GetValue(sessions),
                    OutputDirectory = parse.GetValue(output)!,
                    Thresholds = parse.GetValue(threshold) ?? [],
                    ThresholdsFile = parse.GetValue(thresholdsFile),
                    Database = parse.GetValue(database),
                    Login = parse.GetValue(login),
                    Password = parse.GetValue(password),
                    Anonymous = parse.GetValue(anonymous),
                    Parameters = Pairs("--param", parse.GetValue(parameters) ?? []),
                    Seed = parse.GetValue(seed),
                    ClassificationFile = parse.GetValue(classification),
                    Agreement = Agreement(parse.GetValue(tolerance)!),
                    RequireAgreement = parse.GetValue(requireAgreement),
                    Simulator = new SimulatorOptions { Workers = parse.GetValue(workers), LatencyScale = parse.GetValue(latencyScale) },
                };
            }
            catch (FormatException e)
            {
                await stdout.WriteLineAsync("error: " + e.Message);
                return ExitCodes.Usage;
            }

            return await RunCommand.ExecuteAsync(request, stdout, parse.GetValue(quiet) ? null : parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    private static Command Tune()
    {
        var report = new Argument<string>("report") { Description = "baseline report.json from a run" };
        var percentile = new Option<string>("--percentile") { Description = "baseline percentile: p50, p90, p95, p99, p99.9", DefaultValueFactory = _ => "p95" };
        var margin = new Option<double>("--margin") { Description = "threshold = baseline x margin (rounded up to 2 significant digits)", DefaultValueFactory = _ => 1.5 };
        var minCount = new Option<long>("--min-count") { Description = "operations with fewer requests get no threshold", DefaultValueFactory = _ => 20 };
        var minSeconds = new Option<string>("--min") { Description = "smallest threshold proposed", DefaultValueFactory = _ => "50ms" };
        var output = new Option<string?>("--out") { Description = "folder for thresholds.yml and classification-thresholds.json (default: beside the report)" };
        var updateThresholds = new Option<string?>("--update-thresholds") { Description = "also merge into this thresholds file (deploy/prometheus/thresholds.yml): only its operations: section changes" };
        var command = new Command("tune", "Propose per-operation latency thresholds from a baseline run, for the alert rules (thresholds.yml) and the proxy (Classification:Rules).")
        {
            report, percentile, margin, minCount, minSeconds, output, updateThresholds,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var path = parse.GetValue(report)!;
            try
            {
                var baseline = JsonSerializer.Deserialize<RunReport>(await File.ReadAllTextAsync(path, cancellationToken), Json.ReadOptions)
                    ?? throw new FormatException($"{path}: empty report");
                var settings = new TuneSettings
                {
                    Percentile = parse.GetValue(percentile)!,
                    Margin = parse.GetValue(margin) is var m && m >= 1 ? m : throw new FormatException("--margin must be at least 1"),
                    MinCount = parse.GetValue(minCount),
                    MinSeconds = Durations.Parse(parse.GetValue(minSeconds), "--min").TotalSeconds,
                };
                var result = Tuner.Propose(baseline, settings, path);
                var (yaml, json) = Tuner.Write(result, parse.GetValue(output) ?? Path.GetDirectoryName(Path.GetFullPath(path))!);
                var rows = new List<string[]> { new[] { "operation", "count", $"baseline {settings.Percentile}", "threshold" } };
                rows.AddRange(result.Proposals.Select(p => new[] { p.Operation, p.Count.ToString(CultureInfo.InvariantCulture), Durations.FormatSeconds(p.BaselineSeconds), Durations.FormatSeconds(p.ThresholdSeconds) }));
                var text = new System.Text.StringBuilder();
                text.AppendLine(CultureInfo.InvariantCulture, $"proposed thresholds from {baseline.Scenario} ({baseline.Load}): baseline {settings.Percentile} x {settings.Margin.ToString("0.##", CultureInfo.InvariantCulture)}");
                ConsoleReport.AppendTable(text, rows);
                foreach (var skipped in result.Skipped) text.AppendLine("skipped " + skipped);
                if (parse.GetValue(updateThresholds) is { } thresholdsFile)
                {
                    await File.WriteAllTextAsync(thresholdsFile, Tuner.MergeYaml(await File.ReadAllTextAsync(thresholdsFile, cancellationToken), result), cancellationToken);
                    // The alert rules and the proxy's thresholds file are generated from it, in one place.
                    text.AppendLine(CultureInfo.InvariantCulture, $"updated:       {thresholdsFile} (operations: section); now run: dotnet run deploy/prometheus/generate-alerts.cs");
                }

                text.AppendLine(CultureInfo.InvariantCulture, $"alert rules:   {yaml}");
                text.AppendLine(CultureInfo.InvariantCulture, $"proxy config:  {json}  (merge its Classification:Rules into appsettings.json or pass it with --config)");
                await stdout.WriteAsync(text.ToString());
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is IOException or JsonException or FormatException)
            {
                await stdout.WriteLineAsync("error: " + e.Message);
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    private static Command ReplayCommand()
    {
        var capture = new Argument<string>("capture") { Description = "JSONL capture (format in docs/loadtest.md)" };
        var output = new Option<string?>("--out") { Description = "scenario file to write (default: CAPTURE.scenario.json)" };
        var name = new Option<string?>("--name") { Description = "scenario name" };
        var command = new Command("replay", "Turn a JSONL capture into a scenario file (identical requests weighted by occurrence, the capture's rate).") { capture, output, name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var path = parse.GetValue(capture)!;
            try
            {
                var scenario = CaptureConverter.Convert(path, parse.GetValue(name));
                _ = Scenario.Compile(scenario, path); // it must load back
                var target = parse.GetValue(output) ?? Path.ChangeExtension(path, ".scenario.json");
                await File.WriteAllTextAsync(target, CaptureConverter.Serialize(scenario), cancellationToken);
                await stdout.WriteLineAsync($"{scenario.Description}\nwrote {target}; run it with: run {target}");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is IOException or ScenarioException)
            {
                await stdout.WriteLineAsync("error: " + e.Message);
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    private static Uri? Url(string flag, string? value) =>
        value is null ? null
        : Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
        : throw new FormatException($"{flag}: '{value}' is not an http(s) URL");

    private static Dictionary<string, string> Pairs(string flag, string[] items)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"{flag}: '{item}' is not NAME=VALUE");
            pairs[item[..eq].Trim()] = item[(eq + 1)..];
        }

        return pairs;
    }

    internal static AgreementSettings Agreement(string text)
    {
        var parts = text.Split('+', 2);
        var absolute = Durations.Parse(parts[0], "--agreement");
        var relative = parts.Length == 2 && double.TryParse(parts[1].TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) ? r / 100
            : parts.Length == 1 ? 0 : throw new FormatException($"--agreement: '{text}' is not ABSOLUTE+RELATIVE%, e.g. 5ms+10%");
        return new AgreementSettings { Absolute = absolute, Relative = relative };
    }
}
