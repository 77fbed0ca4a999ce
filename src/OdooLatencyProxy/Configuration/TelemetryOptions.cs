namespace OdooLatencyProxy.Configuration;

/// <summary>Settings of the proxy's own telemetry, bound from the <c>Telemetry</c> configuration section.</summary>
public sealed record TelemetryOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string Section = "Telemetry";

    /// <summary>Record requests (metrics, percentiles, in-flight list, status page). Default true; false only to measure the proxy without it.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>OTLP endpoint to push metrics to, e.g. <c>http://collector:4317</c>. Default none (OTEL_EXPORTER_OTLP_ENDPOINT is honoured too).</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>OTLP protocol: <c>grpc</c> or <c>http/protobuf</c>. Default grpc (or OTEL_EXPORTER_OTLP_PROTOCOL).</summary>
    public string? OtlpProtocol { get; init; }

    /// <summary>Length of one interval of the sliding percentile windows (1 m and 5 m are made of these). Default 5 s.</summary>
    public TimeSpan LatencyInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Occupancy (busy / limit) at or above which a destination counts as saturated. Default 0.9.</summary>
    public double SaturationThreshold { get; init; } = 0.9;

    /// <summary>How many of the latest slow requests the status page and <c>/api/slow-requests</c> keep. Default 100; 0 keeps none.</summary>
    public int SlowRequests { get; init; } = 100;

    /// <summary>Duration above which a request of an operation without a configured threshold counts as slow. Default 2 s.</summary>
    public TimeSpan SlowRequestThreshold { get; init; } = TimeSpan.FromSeconds(2);
}
