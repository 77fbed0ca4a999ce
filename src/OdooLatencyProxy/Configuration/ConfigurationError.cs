namespace OdooLatencyProxy.Configuration;

/// <summary>One invalid setting: its configuration key, the flag that sets it (if any) and what is wrong.</summary>
public sealed record ConfigurationError(string Setting, string Problem)
{
    /// <summary>The command-line flag of <see cref="Setting"/>, e.g. <c>--workers</c>, or null when only files and environment set it.</summary>
    public string? Flag => ProxyCommandLine.FlagFor(Setting);

    /// <summary>Reads a failure written as <c>Key: problem</c>, the form every options validator of the proxy reports.</summary>
    public static ConfigurationError FromFailure(string failure)
    {
        var colon = failure.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? new ConfigurationError(failure, "invalid") : new ConfigurationError(failure[..colon], failure[(colon + 2)..]);
    }

    /// <inheritdoc />
    public override string ToString() => Flag is null || Flag == Setting ? $"{Setting}: {Problem}" : $"{Setting} ({Flag}): {Problem}";
}
