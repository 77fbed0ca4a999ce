using System.Diagnostics;
using System.Globalization;
using OdooLatencyProxy.LoadTest.Results;
using OdooLatencyProxy.LoadTest.Scenarios;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>Open (arrival rate) or closed (users with think time) load.</summary>
internal enum LoadModel
{
    Open,
    Closed,
}

/// <summary>How one run drives the target; every bound has a default so a run always stops by itself.</summary>
internal sealed record RunSettings
{
    public required Uri Target { get; init; }

    public LoadModel Model { get; init; } = LoadModel.Open;

    /// <summary>Open model: arrivals per second at the start (constant rate: the rate).</summary>
    public double StartRate { get; init; } = 10;

    /// <summary>Open model: ramping stages; empty for a constant rate.</summary>
    public IReadOnlyList<RateStage> Stages { get; init; } = [];

    /// <summary>Closed model: concurrent users.</summary>
    public int Users { get; init; } = 4;

    /// <summary>Closed model: pause between a user's steps.</summary>
    public ThinkTime ThinkTime { get; init; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    /// <summary>How long arrivals (open) or new steps (closed) start; requests in flight then finish.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Stop after this many requests, whatever the duration.</summary>
    public long? MaxRequests { get; init; }

    /// <summary>Longest wait for one answer; then the request counts as a <c>timeout</c> failure.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Open model: most steps in flight at once; an arrival beyond it is dropped (counted, never sent late in disguise).</summary>
    public int MaxInFlight { get; init; } = 1000;

    /// <summary>Open model: a send later than this after its intended time counts as late (the harness could not keep up).</summary>
    public TimeSpan LateTolerance { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Sessions the open model's arrivals share (the closed model logs in once per user).</summary>
    public int Sessions { get; init; } = 4;

    /// <summary>Login of every session; null for anonymous visitors.</summary>
    public LoginSpec? Login { get; init; }

    /// <summary>Seed of step and parameter picks.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Names operations exactly as the proxy does (same rules when the proxy has some).</summary>
    public ClassificationOptions? Classification { get; init; }

    public string Describe() => Model == LoadModel.Open
        ? Stages.Count == 0
            ? $"open model, {StartRate.ToString("0.##", CultureInfo.InvariantCulture)} req/s for {Durations.Format(Duration)}"
            : $"open model, ramping {StartRate.ToString("0.##", CultureInfo.InvariantCulture)}->{string.Join("->", Stages.Select(s => s.Target.ToString("0.##", CultureInfo.InvariantCulture)))} req/s over {Durations.Format(Duration)}"
        : $"closed model, {Users} users, think {ThinkTime}, for {Durations.Format(Duration)}";
}

/// <summary>Drives one run of a scenario and collects its results.</summary>
internal sealed class LoadRunner(Scenario scenario, RunSettings settings)
{
    private readonly InFlight _steps = new();
    private long _scheduleStart;
    private long _deadline;

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

        var sessionCount = settings.Model == LoadModel.Closed ? settings.Users : settings.Sessions;
        var sessions = await OpenSessionsAsync(client, Math.Max(1, sessionCount), cancellationToken);

        _scheduleStart = Stopwatch.GetTimestamp();
        _deadline = _scheduleStart + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var printer = progress is null ? Task.CompletedTask : PrintProgressAsync(results, progress, stopProgress.Token);

        var background = scenario.Background.SelectMany((loop, i) => Enumerable.Range(0, loop.Users).Select(u =>
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
        return new RunResult(results, startedAt, elapsed, settings);
    }

    private async Task<Session[]> OpenSessionsAsync(OdooClient client, int count, CancellationToken cancellationToken)
    {
        if (settings.Login is not { } login)
        {
            return [.. Enumerable.Range(0, count).Select(_ => new Session(null))];
        }

        return await Task.WhenAll(Enumerable.Range(0, count).Select(_ => client.LoginAsync(login, cancellationToken)));
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

            var step = scenario.PickStep(random);
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
            var step = fixedStep ?? scenario.PickStep(random);
            await RunStepAsync(client, step, session, random, null, cancellationToken);
            var pause = think.Next(random);
            if (pause > TimeSpan.Zero && !Exhausted(Results!))
            {
                await Task.Delay(pause, cancellationToken);
            }
        }
    }

    private async Task RunStepAsync(OdooClient client, CompiledStep step, Session session, Random random, long? firstIntended, CancellationToken cancellationToken)
    {
        var values = new StepValues(scenario, session, random, client.NextRpcId);
        for (var i = 0; i < step.Requests.Count; i++)
        {
            if (settings.MaxRequests is { } max && Results!.Sent >= max)
            {
                return;
            }

            // Only the step's first request has a schedule; the next ones are sent when the previous answer arrives.
            var intended = i == 0 && firstIntended is { } due ? due : Stopwatch.GetTimestamp();
            try
            {
                await client.SendAsync(step.Requests[i], session, values.Get, intended, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
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

/// <summary>A finished run: its results and what drove it.</summary>
internal sealed record RunResult(ResultCollector Results, DateTimeOffset StartedAt, TimeSpan Elapsed, RunSettings Settings);
