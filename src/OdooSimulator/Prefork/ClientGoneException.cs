namespace OdooSimulator.Prefork;

/// <summary>The client went away (EOF or reset) before the request was complete.</summary>
internal sealed class ClientGoneException : Exception
{
    public ClientGoneException()
    {
    }

    public ClientGoneException(string message)
        : base(message)
    {
    }

    public ClientGoneException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
