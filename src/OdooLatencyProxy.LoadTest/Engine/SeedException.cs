namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>The seed phase failed: the records the steps need do not exist, so the run stops before the load.</summary>
internal sealed class SeedException : Exception
{
    public SeedException()
    {
    }

    public SeedException(string message)
        : base(message)
    {
    }

    public SeedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
