namespace OdooLatencyProxy.Configuration;

/// <summary>An invalid setting; start-up stops with a message that names it.</summary>
public sealed class ConfigurationException(string setting, string problem)
    : Exception($"Invalid configuration: {setting}: {problem}")
{
    /// <summary>The configuration key at fault, e.g. <c>Proxy:Workers</c>.</summary>
    public string Setting { get; } = setting;
}
