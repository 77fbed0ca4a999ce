namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>A scenario file that cannot be used, with the reason.</summary>
internal sealed class ScenarioException : Exception
{
    public ScenarioException()
    {
    }

    public ScenarioException(string message)
        : base(message)
    {
    }

    public ScenarioException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
