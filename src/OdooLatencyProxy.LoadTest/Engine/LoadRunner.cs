using System.Diagnostics;
using System.Globalization;
using OdooLatencyProxy.LoadTest.Scenarios;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>Drives one run of a scenario and collects its results.</summary>
internal sealed class LoadRunner(Scenario scenario, RunSettings settings)
{
    private readonly InFlight _steps = new();
    private readonly List<string> _notes = [];
    private Scenario _scenario = scenario;
    private long _scheduleStart;
    private long _deadline;

    /// <summary>The scenario as run: shaped for the server's version once the run has read it; its pools hold the ids this run created.</summary>
    public Scenario Scenario => _scenario;

    /// <summary>Results so far; null until the run has started.</summary>
    public ResultCollector? Results { get; private set; }

    /// <summary>Runs to the end (duration, request bound or cancellation) and returns when every request has finished.</summary>
    public async Task<RunResult> RunAsync(TextWriter? progress, CancellationToken cancellationToken)
    {
        var results = new ResultCollector(Stopwatch.GetTimestamp());
        var classifier = new RequestClassifier(settings.Classification);
        using var client = new OdooClient(settings.Target, classifier, results, settings.RequestTimeout);
        var startedAt = DateTimeOffset.UtcNow;
        Results = results;

        // Call shapes follow the server (onchange changed in 17, call_button moved into the URL in 18).
        var version = await client.ServerVersionAsync(cancellationToken);
        if (version is { } v)
        {
            _scenario = _scenario.ForVersion(v);
            _notes.Add($"Odoo {v} (version_info): request shapes for {v}.");
        }
        else
        {
            _notes.Add($"The server's version_info had no server_version_info: request shapes for Odoo {_scenario.OdooVersion} (the scenario's odooVersion).");
        }

        var sessionCount = settings.Model == LoadModel.Closed ? settings.Users : settings.Sessions;
        var sessions = await OpenSessionsAsync(client, Math.Max(1, sessionCount), cancellationToken);
        await SeedAsync(client, sessions, cancellationToken);
        if (_scenario.Background.Any(l => l.SimulatorOnly) && !settings.SimulatorTarget)
        {
            _notes.Add($"Left out against a real target (simulator only): {string.Join(", ", _scenario.Background.Where(l => l.SimulatorOnly).Select(l => l.Name))}.");
        }

        _scheduleStart = Stopwatch.GetTimestamp();
        _deadline = _scheduleStart + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var printer = progress is null ? Task.CompletedTask : PrintProgressAsync(results, progress, stopProgress.Token);

        var background = _scenario.Background.Where(l => !l.SimulatorOnly || settings.SimulatorTarget).SelectMany((loop, i) => Enumerable.Range(0, loop.Users).Select(u =>
            LoopAsync(client, loop.Step, sessions[(i + u) % sessions.Length], loop.ThinkTime, settings.Seed * 7919 + i * 31 + u, cancellationToken))).ToList();

        var main = settings.Model == LoadModel.Open
            ? OpenAsync(client, results, sessions, cancellationToken)
            : Task.WhenAll(sessions.Select((s, u) => LoopAsync(client, null, s, settings.ThinkTime, settings.Seed * 104729 + u, cancellationToken)));
        try
        {
            await main;
            await Task.WhenAll(background);
            await _steps.WhenIdleAsync();
        }
        finally
        {
            await stopProgress.CancelAsync();
            await printer;
        }

        var elapsed = Stopwatch.GetElapsedTime(_scheduleStart);
        if (_scenario.Pools.Sizes() is { Count: > 0 } pools)
        {
            _notes.Add("Pools at the end (ids this run created): " + string.Join(", ", pools.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")) + ".");
        }

        return new RunResult(results, startedAt, elapsed, settings) { Notes = _notes };
    }

    // Seed entries run in order; the repetitions of one entry share the sessions. Any failure stops the run: steps
    // would otherwise act on records that do not exist.
    private async Task SeedAsync(OdooClient client, Session[] sessions, CancellationToken cancellationToken)
    {
        if (_scenario.Seed.Count == 0)
        {
            return;
        }

        var seedSessions = sessions;
        if (settings.Login is null)
        {
            if (settings.SeedLogin is not { } seedLogin)
            {
                throw new SeedException("the scenario seeds records but has no login: set seedLogin (or --login) for the seed phase");
            }

            seedSessions = [await client.LoginAsync(seedLogin, cancellationToken)];
        }

        var started = Stopwatch.GetTimestamp();
        var count = 0;
        foreach (var entry in _scenario.Seed)
        {
            var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
            await Parallel.ForEachAsync(Enumerable.Range(0, entry.Times), new ParallelOptions { MaxDegreeOfParallelism = seedSessions.Length, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    var problem = await RunStepAsync(client, entry, seedSessions[i % seedSessions.Length], new Random(settings.Seed * 31 + i), null, token);
                    if (problem is not null) failures.Add(problem);
                });
            if (!failures.IsEmpty)
            {
                throw new SeedException($"seed '{entry.Name}' failed {failures.Count} of {entry.Times} times: {failures.First()}");
            }

            count += entry.Times;
        }

        _notes.Add($"Seed: {count} step(s) in {Durations.FormatSeconds(Stopwatch.GetElapsedTime(started).TotalSeconds)} before the load (their requests are in the table).");
    }

    private async Task<Session[]> OpenSessionsAsync(OdooClient client, int count, CancellationToken cancellationToken)
    {
        if (settings.Login is not { } login)
        {
            var visitors = Enumerable.Range(0, count).Select(_ => new Session(null)).ToArray();
            if (settings.SeedLogin?.Database is { } database)
            {
                // A server with several databases and no dbfilter serves the shop only once the session names one
                // (?db= sets it, as a link with ?db= does for a visitor); on a single-database server this is a plain page.
                var select = new CompiledRequest("GET", Template.Compile("/web/login?db=" + Uri.EscapeDataString(database), TemplateContext.Raw), null, null, []);
                foreach (var visitor in visitors)
                {
                    await client.SendAsync(select, visitor, _ => default, Stopwatch.GetTimestamp(), cancellationToken);
                }
            }

            return visitors;
        }

        if (count == 0)
        {
            return [];
        }

        // One login first: a user's first login on a database creates their res.users.settings row, and concurrent
        // first logins collide on its unique key (seen on a fresh Odoo 17: one login answered with a UniqueViolation).
        var first = await client.LoginAsync(login, cancellationToken);
        return [first, .. await Task.WhenAll(Enumerable.Range(1, count - 1).Select(_ => client.LoginAsync(login, cancellationToken)))];
    }

    private bool Exhausted(ResultCollector results) =>
        Stopwatch.GetTimestamp() >= _deadline || (settings.MaxRequests is { } max && results.Sent >= max);

    private async Task OpenAsync(OdooClient client, ResultCollector results, Session[] sessions, CancellationToken cancellationToken)
    {
        var random = new Random(settings.Seed);
        var lateTicks = (long)(settings.LateTolerance.TotalSeconds * Stopwatch.Frequency);
        var n = 0L;
        foreach (var offset in ArrivalSchedule.Offsets(settings.StartRate, settings.Stages, settings.Duration))
        {
            if (settings.MaxRequests is { } max && results.Sent >= max)
            {
                break;
            }

            var due = _scheduleStart + (long)(offset * Stopwatch.Frequency);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
            }
            else if (-wait > lateTicks)
            {
                results.OnLate();
            }

            if (_steps.Count >= settings.MaxInFlight)
            {
                results.OnDropped();
                continue;
            }

            var step = _scenario.PickStep(random);
            var session = sessions[n++ % sessions.Length];
            var stepRandom = new Random(random.Next());
            _steps.Enter();
            _ = RunStepAsync(client, step, session, stepRandom, due, cancellationToken).ContinueWith(
                static (_, state) => ((InFlight)state!).Exit(), _steps, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task LoopAsync(OdooClient client, CompiledStep? fixedStep, Session session, ThinkTime think, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        while (!cancellationToken.IsCancellationRequested && !Exhausted(Results!))
        {
            var step = fixedStep ?? _scenario.PickStep(random);
            await RunStepAsync(client, step, session, random, null, cancellationToken);
            var pause = think.Next(random);
            if (pause > TimeSpan.Zero && !Exhausted(Results!))
            {
                await Task.Delay(pause, cancellationToken);
            }
        }
    }

    // Null when every request went well, else what went wrong. A request that fails ends the step: the next ones
    // would act on a record that was not created, confirmed or posted.
    private async Task<string?> RunStepAsync(OdooClient client, CompiledStep step, Session session, Random random, long? firstIntended, CancellationToken cancellationToken)
    {
        var values = new StepValues(_scenario, session, random, client.NextRpcId);
        try
        {
            foreach (var (name, pool) in step.Take)
            {
                values.Set(name, _scenario.Pools.Take(pool));
            }

            for (var i = 0; i < step.Requests.Count; i++)
            {
                if (settings.MaxRequests is { } max && Results!.Sent >= max)
                {
                    return null;
                }

                // Only the step's first request has a schedule; the next ones are sent when the previous answer arrives.
                var intended = i == 0 && firstIntended is { } due ? due : Stopwatch.GetTimestamp();
                var result = await client.SendAsync(step.Requests[i], session, values.Get, intended, cancellationToken, onCapture: values.Set);
                if (result.Outcome != "ok")
                {
                    return result.Reason ?? $"{result.Operation}: {result.Outcome} (HTTP {result.Status})";
                }
            }
        }
        catch (PoolEmptyException e)
        {
            // Nothing was sent: the run produced fewer records in that state than the mix wanted. Counted, not a request failure.
            Results!.OnProblem($"step '{step.Name}' skipped: {e.Message}");
            return $"step '{step.Name}': {e.Message}";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        foreach (var (pool, name) in step.Put)
        {
            _scenario.Pools.Put(pool, values.Get(name));
        }

        return null;
    }

    private async Task PrintProgressAsync(ResultCollector results, TextWriter progress, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var lastCompleted = 0L;
        var interactive = ReferenceEquals(progress, Console.Error) && !Console.IsErrorRedirected;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var interval = results.TakeInterval();
                var completed = results.Completed;
                var elapsed = Stopwatch.GetElapsedTime(_scheduleStart);
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{Durations.Format(elapsed),7} / {Durations.Format(settings.Duration)}  sent {results.Sent}  done {completed}  in flight {results.InFlight}  failed {results.Failures}  late {results.Late}  dropped {results.Dropped}  {completed - lastCompleted} req/s  p99 {(interval.TotalCount == 0 ? "-" : Durations.FormatSeconds(interval.GetValueAtPercentile(99) / 1e6))}");
                lastCompleted = completed;
                await progress.WriteAsync(interactive ? "\r" + line.PadRight(Console.BufferWidth > 0 ? Math.Min(Console.BufferWidth - 1, 160) : 120) : line + "\n");
            }
        }
        catch (OperationCanceledException)
        {
        }

        if (interactive)
        {
            await progress.WriteLineAsync();
        }
    }

    /// <summary>Counts steps in flight and lets the run wait for the last one.</summary>
    private sealed class InFlight
    {
        private readonly Lock _lock = new();
        private int _count;
        private TaskCompletionSource? _idle;

        public int Count => Volatile.Read(ref _count);

        public void Enter()
        {
            lock (_lock)
            {
                _count++;
            }
        }

        public void Exit()
        {
            lock (_lock)
            {
                if (--_count == 0)
                {
                    _idle?.TrySetResult();
                    _idle = null;
                }
            }
        }

        public Task WhenIdleAsync()
        {
            lock (_lock)
            {
                if (_count == 0) return Task.CompletedTask;
                _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _idle.Task;
            }
        }
    }
}
