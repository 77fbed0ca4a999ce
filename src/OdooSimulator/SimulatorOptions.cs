using System.Net;

namespace OdooSimulator;

/// <summary>Configuration of an <see cref="Hosting.OdooSimulatorServer"/>; every field has a working default.</summary>
public sealed record SimulatorOptions
{
    /// <summary>Number of prefork HTTP workers, Odoo's <c>--workers</c>. Default 4.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Address both ports bind to. Default 127.0.0.1.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>HTTP worker port (Odoo's 8069); 0 picks a free port. Default 0.</summary>
    public int HttpPort { get; init; }

    /// <summary>Gevent port for <c>/websocket</c>, <c>/longpolling/poll</c> and <c>/__sim/stats</c> (Odoo's 8072); 0 picks a free port. Default 0.</summary>
    public int GeventPort { get; init; }

    /// <summary>Kernel listen queue length of the worker port; null means 8 x <see cref="Workers"/> like Odoo's <c>listen(8 * workers)</c>. Default null.</summary>
    public int? Backlog { get; init; }

    /// <summary>Multiplier applied to every sampled latency (not to <c>X-Sim-Delay-Ms</c>). Default 1.0.</summary>
    public double LatencyScale { get; init; } = 1.0;

    /// <summary>Seed of the latency and error-injection draws; the same seed and request order give the same draws. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Per-operation latency profiles that replace the defaults of <see cref="LatencyProfile.Defaults"/> for the operations they name. Default empty.</summary>
    public IReadOnlyDictionary<string, LatencyProfile> Latency { get; init; } = new Dictionary<string, LatencyProfile>();

    /// <summary>Per-operation probability (0..1) that a request fails with that route's business error (UserError, XML-RPC fault, 500). Default empty (no failures).</summary>
    public IReadOnlyDictionary<string, double> ErrorRates { get; init; } = new Dictionary<string, double>();

    /// <summary>Per-read and per-write socket timeout of a worker, Odoo's <c>client.settimeout(2)</c>: a client silent for longer is dropped. Default 2 s.</summary>
    public TimeSpan SocketTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest accepted request body; larger ones get 413 like Odoo 17+. Default 128 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>How long <c>/longpolling/poll</c> holds a request before answering an empty list, Odoo's bus timeout. Default 50 s.</summary>
    public TimeSpan LongPollingTimeout { get; init; } = TimeSpan.FromSeconds(50);

    /// <summary>File to which every answered worker request appends an Odoo 17 werkzeug access line with made-up query figures (for the proxy's <c>--odoo-log</c>). Default: none.</summary>
    public string? AccessLogPath { get; init; }

    /// <summary>Database name reported in sessions and accepted by logins. Default "odoo".</summary>
    public string Database { get; init; } = "odoo";

    /// <summary>Login accepted by <c>/web/login</c>, <c>/web/session/authenticate</c> and the RPC services. Default "admin".</summary>
    public string Login { get; init; } = "admin";

    /// <summary>Password accepted together with <see cref="Login"/> (API keys are not distinguished). Default "admin".</summary>
    public string Password { get; init; } = "admin";

    internal int EffectiveBacklog => Backlog ?? 8 * Workers;

    internal void Validate()
    {
        if (Workers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "Workers must be at least 1.");
        }

        if (HttpPort is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(HttpPort), HttpPort, "HttpPort must be 0..65535.");
        }

        if (GeventPort is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(GeventPort), GeventPort, "GeventPort must be 0..65535.");
        }

        if (Backlog is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Backlog), Backlog, "Backlog must be at least 1.");
        }

        if (!(LatencyScale >= 0) || double.IsInfinity(LatencyScale))
        {
            throw new ArgumentOutOfRangeException(nameof(LatencyScale), LatencyScale, "LatencyScale must be a finite number >= 0.");
        }

        if (SocketTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SocketTimeout), SocketTimeout, "SocketTimeout must be positive.");
        }

        foreach (var (operation, rate) in ErrorRates)
        {
            if (!(rate is >= 0 and <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(ErrorRates), rate, $"Error rate of '{operation}' must be within 0..1.");
            }
        }

        foreach (var (operation, profile) in Latency)
        {
            ArgumentNullException.ThrowIfNull(profile, $"{nameof(Latency)}[{operation}]");
            profile.Validate(operation);
        }
    }
}
