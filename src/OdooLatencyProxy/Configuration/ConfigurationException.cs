namespace OdooLatencyProxy.Configuration;

/// <summary>Invalid settings; start-up stops with one line per setting at fault (exit code 2).</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Every invalid setting found, in the order they were checked.</summary>
    public ConfigurationException(IReadOnlyList<ConfigurationError> errors)
        : base(string.Join('\n', errors.Select(e => $"Invalid configuration: {e}")))
    {
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        Errors = errors;
    }

    /// <summary>One invalid setting.</summary>
    public ConfigurationException(string setting, string problem)
        : this([new ConfigurationError(setting, problem)])
    {
    }

    /// <summary>The settings at fault.</summary>
    public IReadOnlyList<ConfigurationError> Errors { get; }

    /// <summary>The first configuration key at fault, e.g. <c>Proxy:Workers</c>.</summary>
    public string Setting => Errors[0].Setting;
}
