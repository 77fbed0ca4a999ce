namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>Login failed: the run cannot measure anything meaningful.</summary>
internal sealed class LoginException : Exception
{
    public LoginException()
    {
    }

    public LoginException(string message)
        : base(message)
    {
    }

    public LoginException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
