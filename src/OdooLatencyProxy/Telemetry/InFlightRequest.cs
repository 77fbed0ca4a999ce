namespace OdooLatencyProxy.Telemetry;

/// <summary>One request holding a worker: ages in seconds (since arrival, since it took the worker), the time it queued.</summary>
internal sealed record InFlightRequest(
    string Operation, string Destination, string Method, string Path, string Client, double AgeSeconds, double HoldingSeconds, double QueuedSeconds,
    [property: System.Text.Json.Serialization.JsonIgnore] long StartedAt);
