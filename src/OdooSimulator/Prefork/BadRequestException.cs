namespace OdooSimulator.Prefork;

/// <summary>The request cannot be parsed; the worker answers with the status and message, like Python's send_error.</summary>
internal sealed class BadRequestException : Exception
{
    public BadRequestException()
        : this(400, "Bad Request")
    {
    }

    public BadRequestException(string message)
        : this(400, message)
    {
    }

    public BadRequestException(string message, Exception inner)
        : base(message, inner)
    {
        Status = 400;
    }

    public BadRequestException(int status, string message)
        : base(message)
    {
        Status = status;
    }

    public int Status { get; }
}
