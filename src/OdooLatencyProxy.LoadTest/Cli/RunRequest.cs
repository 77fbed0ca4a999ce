using OdooLatencyProxy.LoadTest.CrossCheck;
using OdooSimulator;

namespace OdooLatencyProxy.LoadTest.Cli;

/// <summary>Everything <c>run</c> needs, from the command line (or a test).</summary>
internal sealed record RunRequest
{
    public string? ScenarioPath { get; init; }

    public string? FromCapture { get; init; }

    public Uri? Target { get; init; }

    public Uri? ProxyAdmin { get; init; }

    public TimeSpan? Duration { get; init; }

    public double? Rate { get; init; }

    public int? Users { get; init; }

    public string? ThinkTime { get; init; }

    public long? MaxRequests { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxInFlight { get; init; } = 1000;

    public int? Sessions { get; init; }

    public string OutputDirectory { get; init; } = "loadtest-report";

    public IReadOnlyList<string> Thresholds { get; init; } = [];

    public string? ThresholdsFile { get; init; }

    public string? Database { get; init; }

    public string? Login { get; init; }

    public string? Password { get; init; }

    public bool Anonymous { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    public int Seed { get; init; } = 1;

    public string? ClassificationFile { get; init; }

    public AgreementSettings Agreement { get; init; } = new();

    public bool RequireAgreement { get; init; }

    /// <summary>Options of the built-in simulator (no <see cref="Target"/>).</summary>
    public SimulatorOptions Simulator { get; init; } = new();
}
