using Microsoft.Extensions.Options;

namespace OdooLatencyProxy.Configuration;

/// <summary>Checks the <c>Telemetry</c> section, reporting every setting out of range as <c>Telemetry:Key: problem</c>.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    // The list is for people reading a page; thousands of entries would only hold memory (each keeps its statements).
    private const int MaxSlowRequests = 10_000;

    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var errors = new List<string>();
        var key = TelemetryOptions.Section;
        if (options.LatencyInterval <= TimeSpan.Zero || options.LatencyInterval > TimeSpan.FromMinutes(1))
            errors.Add($"{key}:{nameof(options.LatencyInterval)}: must be between 0 and 1 minute, got {options.LatencyInterval}");
        if (options.SaturationThreshold is not (> 0 and <= 1))
            errors.Add($"{key}:{nameof(options.SaturationThreshold)}: must be within (0, 1], got {options.SaturationThreshold}");
        if (options.SlowRequests is < 0 or > MaxSlowRequests)
            errors.Add($"{key}:{nameof(options.SlowRequests)}: must be between 0 (none kept) and {MaxSlowRequests}, got {options.SlowRequests}");
        if (options.SlowRequestThreshold <= TimeSpan.Zero)
            errors.Add($"{key}:{nameof(options.SlowRequestThreshold)}: must be positive, got {options.SlowRequestThreshold}");
        if (options.OtlpEndpoint is { Length: > 0 } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
            errors.Add($"{key}:{nameof(options.OtlpEndpoint)}: '{endpoint}' is not an absolute URL");
        if (options.OtlpProtocol is { Length: > 0 } protocol && protocol is not ("grpc" or "http/protobuf"))
            errors.Add($"{key}:{nameof(options.OtlpProtocol)}: must be grpc or http/protobuf, got '{protocol}'");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
