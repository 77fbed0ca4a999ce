using System.Globalization;
using OdooLatencyProxy.LoadTest.Scenarios;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Engine;

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

    /// <summary>Login of the seed phase when <see cref="Login"/> is null (anonymous visitors need records an admin creates).</summary>
    public LoginSpec? SeedLogin { get; init; }

    /// <summary>True when the target is the built-in simulator (simulator-only background loops run).</summary>
    public bool SimulatorTarget { get; init; }

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
