using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OdooLatencyProxy.Odoo;
using OdooSimulator.Prefork;
using OdooSimulator.Routing;

namespace OdooSimulator.Gevent;

/// <summary>
/// Odoo's evented (gevent) port: <c>/websocket</c>, <c>/longpolling/poll</c>, and the simulator's own
/// <c>/__sim/stats</c>, which must not take an HTTP worker. Kestrel is fine here: gevent is concurrent too.
/// </summary>
internal sealed class GeventServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimStats _stats;
    private readonly SimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _notificationId;

    private GeventServer(WebApplication app, SimStats stats, SimulatorOptions options, TimeProvider time, ILogger logger)
    {
        _app = app;
        _stats = stats;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public Uri Uri { get; private set; } = null!;

    public static async Task<GeventServer> StartAsync(SimulatorOptions options, SimStats stats, TimeProvider time, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);

        // The simulator is embedded in tests and in the proxy's demo: it must not take over the process's
        // Ctrl+C / SIGTERM handling as the default console lifetime does.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.UseKestrel(kestrel =>
        {
            // Odoo's gevent answers have no Server header (capture 25).
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.BindAddress, options.GeventPort);
        });
        var app = builder.Build();
        var server = new GeventServer(app, stats, options, time, loggerFactory.CreateLogger("OdooSimulator.Gevent"));
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/websocket", server.WebSocketAsync);
        app.MapPost("/longpolling/poll", server.LongPollAsync);
        app.MapGet("/__sim/stats", server.Stats);
        app.MapGet(OdooWire.HealthPath, () => Results.Text("{\"status\": \"pass\"}", "application/json"));
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(5));
        await _app.DisposeAsync();
    }

    private IResult Stats()
    {
        var operations = new JsonObject();
        foreach (var (operation, count) in _stats.Operations())
        {
            operations[operation] = count;
        }

        var json = new JsonObject
        {
            ["inProgress"] = _stats.InProgress,
            ["maxInProgress"] = _stats.MaxInProgress,
            ["accepted"] = _stats.Accepted,
            ["served"] = _stats.Served,
            ["aborted"] = _stats.Aborted,
            ["workers"] = _options.Workers,
            ["operations"] = operations,
        };
        return Results.Text(json.ToJsonString(), "application/json");
    }

    private async Task WebSocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            // Odoo's websocket controller refuses a plain request with werkzeug's BadRequest.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Empty or non-string origin</p>\n", context.RequestAborted);
            return;
        }

        // Headers of the captured 101 (capture 25): Odoo re-sends the session cookie on the upgrade.
        var headers = context.Response.Headers;
        headers.ContentType = "text/html; charset=utf-8";
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowMethods = "GET, POST";
        var sessionId = context.Request.Cookies["session_id"] ?? RandomNumberGenerator.GetHexString(40, lowercase: true);
        headers.SetCookie = Responses.SessionCookie(sessionId, _time.GetUtcNow());
        headers.XContentTypeOptions = "nosniff";
        headers.Date = _time.GetUtcNow().UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var ct = context.RequestAborted;
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, ct);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Echo the client's close code, as the capture's close frames show (1001 both ways).
                    await socket.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, result.CloseStatusDescription, ct);
                    Log.WebSocketEnded(_logger, "closed by the client");
                    return;
                }

                var payload = message.ToArray();
                var reply = result.MessageType == WebSocketMessageType.Text && IsSubscribe(payload) ? SubscribeAnswer() : payload;
                await socket.SendAsync(reply, result.MessageType, endOfMessage: true, ct);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            Log.WebSocketFailed(_logger, ex);
        }
    }

    private static bool IsSubscribe(byte[] payload)
    {
        try
        {
            return JsonNode.Parse(payload) is JsonObject frame && frame["event_name"]?.GetValueKind() == JsonValueKind.String
                && frame["event_name"]!.GetValue<string>() == "subscribe";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The server frame that followed the captured subscribe: a presence notification list.</summary>
    private byte[] SubscribeAnswer()
    {
        var id = Interlocked.Increment(ref _notificationId);
        var frame = string.Create(CultureInfo.InvariantCulture,
            $"[{{\"id\": {id}, \"message\": {{\"type\": \"mail.record/insert\", \"payload\": {{\"Persona\": [{{\"id\": 3, \"im_status\": \"online\", \"type\": \"partner\"}}, {{\"id\": 2, \"im_status\": \"bot\", \"type\": \"partner\"}}]}}}}}}]");
        return Encoding.UTF8.GetBytes(frame);
    }

    /// <summary>Odoo 15 and older: the bus holds the request until a notification or its timeout, then answers an empty list.</summary>
    private async Task LongPollAsync(HttpContext context)
    {
        JsonNode? id = null;
        try
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            id = body?["id"]?.DeepClone();
        }
        catch (JsonException)
        {
            // Odoo would answer a JSON-RPC BadRequest; an empty poll is close enough for a stand-in.
        }

        try
        {
            await Task.Delay(_options.LongPollingTimeout, _time, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var answer = PythonJson.SerializeToUtf8(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = new JsonArray() });
        context.Response.ContentType = Responses.JsonContentType;
        context.Response.ContentLength = answer.Length;
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }
}
