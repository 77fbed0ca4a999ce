using System.Text.Json;
using OdooLatencyProxy.LoadTest.CrossCheck;
using OdooLatencyProxy.LoadTest.Engine;
using OdooLatencyProxy.LoadTest.Hosting;
using OdooLatencyProxy.LoadTest.Results;
using OdooLatencyProxy.LoadTest.Scenarios;
using OdooLatencyProxy.LoadTest.Thresholds;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Cli;

/// <summary><c>run</c>: drives a scenario, prints the table, writes report.json and report.html, checks thresholds.</summary>
internal static class RunCommand
{
    public const string JsonReportName = "report.json";
    public const string HtmlReportName = "report.html";

    /// <summary>Runs and returns the exit code; <paramref name="onStarted"/> sees the runner (and the local target) once load starts.</summary>
    public static async Task<int> ExecuteAsync(RunRequest request, TextWriter output, TextWriter? progress, CancellationToken cancellationToken,
        Func<LoadRunner, LocalTarget?, Task>? onStarted = null)
    {
        Scenario scenario;
        RunSettings settings;
        List<Threshold> thresholds;
        try
        {
            scenario = LoadScenario(request);
            thresholds = Thresholds(request, scenario);
            settings = Settings(request, scenario, target: new Uri("http://127.0.0.1/"));
        }
        catch (Exception e) when (e is ScenarioException or FormatException or IOException or JsonException or ClassificationRuleException or ArgumentException)
        {
            await output.WriteLineAsync("error: " + e.Message);
            return ExitCodes.Usage;
        }

        LocalTarget? local = null;
        try
        {
            if (request.Target is null)
            {
                local = await LocalTarget.StartAsync(request.Simulator, cancellationToken);
            }

            settings = settings with { Target = request.Target ?? local!.Target, SimulatorTarget = local is not null };
            var admin = request.ProxyAdmin ?? local?.Admin;
            var runner = new LoadRunner(scenario, settings);
            await output.WriteLineAsync($"running {scenario.Name} against {settings.Target}{(local is null ? "" : $" ({local.Description})")}: {settings.Describe()}");
            var run = runner.RunAsync(progress, cancellationToken);
            if (onStarted is not null)
            {
                await onStarted(runner, local);
            }

            var result = await run;
            var report = ReportBuilder.Build(result, scenario.Name, request.FromCapture ?? request.ScenarioPath, local?.Description);
            if (admin is not null)
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                report.CrossCheck = await CrossChecker.RunAsync(new ProxyApi(http), admin, result.Results, result.Elapsed, request.Agreement, cancellationToken);
            }

            report.Thresholds = ThresholdEvaluator.Evaluate(thresholds, report.Operations);
            Directory.CreateDirectory(request.OutputDirectory);
            var jsonPath = Path.Combine(request.OutputDirectory, JsonReportName);
            var htmlPath = Path.Combine(request.OutputDirectory, HtmlReportName);
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, Json.WriteOptions) + "\n", cancellationToken);
            await File.WriteAllTextAsync(htmlPath, HtmlReport.Render(report), cancellationToken);
            await output.WriteLineAsync();
            await output.WriteAsync(ConsoleReport.Render(report));
            await output.WriteLineAsync($"reports: {jsonPath}, {htmlPath}");
            if (!report.Thresholds.Passed) return ExitCodes.ThresholdsFailed;
            if (request.RequireAgreement && report.CrossCheck?.Agreed != true) return ExitCodes.CrossCheckDisagreed;
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is LoginException or SeedException)
        {
            await output.WriteLineAsync("error: " + e.Message);
            return ExitCodes.RunFailed;
        }
        finally
        {
            if (local is not null) await local.DisposeAsync();
        }
    }

    private static Scenario LoadScenario(RunRequest request)
    {
        if (request.FromCapture is { } capture)
        {
            return Scenario.Compile(Replay.CaptureConverter.Convert(capture), capture, request.Parameters);
        }

        if (request.ScenarioPath is not { } path)
        {
            throw new ScenarioException("give a scenario file (or --from-capture CAPTURE.jsonl)");
        }

        // A bare name finds a shipped scenario: `run sales-day`.
        if (!File.Exists(path) && File.Exists(Path.Combine(AppContext.BaseDirectory, "Scenarios", path + ".json")))
        {
            path = Path.Combine(AppContext.BaseDirectory, "Scenarios", path + ".json");
        }

        return Scenario.Load(path, request.Parameters);
    }

    private static List<Threshold> Thresholds(RunRequest request, Scenario scenario)
    {
        var thresholds = new List<Threshold>();
        foreach (var (operation, expressions) in scenario.File.Thresholds ?? [])
        {
            thresholds.AddRange(expressions.Select(e => Threshold.Parse(operation, e)));
        }

        if (request.ThresholdsFile is { } file)
        {
            thresholds.AddRange(ThresholdsFile.Read(file));
        }

        foreach (var item in request.Thresholds)
        {
            // "sale_order.confirm: p95 < 2s", or just "p95 < 2s" for every operation.
            var colon = item.LastIndexOf(':');
            thresholds.Add(colon > 0 && !item[..colon].Contains('<', StringComparison.Ordinal)
                ? Threshold.Parse(item[..colon].Trim(), item[(colon + 1)..])
                : Threshold.Parse(Threshold.AllOperations, item));
        }

        return thresholds;
    }

    internal static RunSettings Settings(RunRequest request, Scenario scenario, Uri target)
    {
        var load = scenario.File.Load ?? new LoadSpec();
        var closed = request.Users is not null || (request.Rate is null && load.Model == "closed");
        if (load.Model is not ("open" or "closed")) throw new ScenarioException($"{scenario.Source}: load.model must be open or closed");
        var stages = request.Rate is null && load.Stages is { Count: > 0 } s
            ? s.Select(x => new RateStage(Durations.Parse(x.Duration, "stage duration"), x.Target)).ToList()
            : [];
        var duration = request.Duration
            ?? (load.Duration is not null ? Durations.Parse(load.Duration, "load.duration") : (TimeSpan?)null)
            ?? (stages.Count > 0 ? TimeSpan.FromSeconds(stages.Sum(x => x.Duration.TotalSeconds)) : TimeSpan.FromSeconds(60));
        var startRate = request.Rate ?? (stages.Count > 0 ? load.StartRate : load.Rate ?? 10);
        if (!closed && !(startRate >= 0 && (startRate > 0 || stages.Any(x => x.Target > 0))))
        {
            throw new ScenarioException("the arrival rate must be positive");
        }

        var users = request.Users ?? load.Users ?? 4;
        if (users < 1) throw new ScenarioException("--users must be at least 1");
        var login = request.Anonymous ? null : scenario.File.Login;
        if (login is not null || request.Login is not null || request.Database is not null)
        {
            login = (login ?? new LoginSpec()) with
            {
                Database = request.Database ?? login?.Database ?? "odoo",
                User = request.Login ?? login?.User ?? "admin",
                Password = request.Password ?? Environment.GetEnvironmentVariable("ODOO_PASSWORD") ?? login?.Password ?? "admin",
            };
        }

        var seedLogin = login ?? (scenario.File.SeedLogin is { } s0
            ? s0 with
            {
                Database = request.Database ?? s0.Database,
                User = request.Login ?? s0.User,
                Password = request.Password ?? Environment.GetEnvironmentVariable("ODOO_PASSWORD") ?? s0.Password,
            }
            : null);
        return new RunSettings
        {
            SeedLogin = seedLogin,
            Target = target,
            Model = closed ? LoadModel.Closed : LoadModel.Open,
            StartRate = startRate,
            Stages = stages,
            Users = users,
            ThinkTime = ThinkTime.Parse(request.ThinkTime ?? load.ThinkTime, new ThinkTime(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))),
            Duration = duration,
            MaxRequests = request.MaxRequests,
            RequestTimeout = request.RequestTimeout,
            MaxInFlight = request.MaxInFlight,
            Sessions = request.Sessions ?? scenario.File.Sessions,
            Login = login,
            Seed = request.Seed,
            Classification = request.ClassificationFile is { } file ? ReadClassification(file) : null,
        };
    }

    private static ClassificationOptions ReadClassification(string path)
    {
        // The proxy's own settings file: its Classification section names operations, so both sides use the same names.
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var section = document.RootElement.TryGetProperty("Classification", out var c) ? c : document.RootElement;
        var options = section.Deserialize<ClassificationOptions>(Json.ReadOptions) ?? new ClassificationOptions();
        _ = new RequestClassifier(options); // a bad rule stops here, naming it
        return options;
    }
}
