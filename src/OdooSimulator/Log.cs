using Microsoft.Extensions.Logging;

namespace OdooSimulator;

/// <summary>Every log line of the simulator. Paths are logged without query strings; never bodies, cookies or tokens.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Odoo simulator: {Workers} prefork workers on {HttpUri} (listen queue {Backlog}), gevent port on {GeventUri}")]
    public static partial void Started(ILogger logger, int workers, Uri httpUri, int backlog, Uri geventUri);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Method} {Path} -> {Status} ({Operation}, worker {Worker}, {ElapsedMs:F1} ms in the worker)")]
    public static partial void Served(ILogger logger, string method, string path, int status, string operation, int worker, double elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Worker {Worker}: client gone before the request was complete")]
    public static partial void ClientGone(ILogger logger, int worker);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Worker {Worker}: socket timeout, connection dropped like Odoo's 2 s worker timeout")]
    public static partial void SocketTimeout(ILogger logger, int worker);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Worker {Worker}: malformed request answered {Status}")]
    public static partial void Malformed(ILogger logger, int worker, int status);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Worker {Worker}: injected failure '{Failure}' on {Path}")]
    public static partial void Injected(ILogger logger, int worker, string failure, string path);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Worker {Worker}: unexpected {ExceptionType} while serving; the worker goes on")]
    public static partial void WorkerError(ILogger logger, int worker, string exceptionType, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Gevent port: websocket connection ended ({Reason})")]
    public static partial void WebSocketEnded(ILogger logger, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Gevent port: websocket connection dropped")]
    public static partial void WebSocketFailed(ILogger logger, Exception exception);
}
