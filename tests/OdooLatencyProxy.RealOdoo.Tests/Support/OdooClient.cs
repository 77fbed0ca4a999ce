using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>
/// Talks to Odoo as the web client and integrations do (JSON-RPC with a session cookie, <c>/jsonrpc</c>, XML-RPC).
/// Every request carries a unique <c>?t=</c> tag, which Odoo's access line repeats and the proxy's records keep,
/// so each request can be found on both sides. It keeps Odoo's error answers; <see cref="OdooSession"/> is the view of
/// it for tests that want a result or an exception.
/// </summary>
public sealed class OdooClient(HttpClient http, RealOdooServer odoo)
{
    private int _next;

    /// <summary>The session cookie after <see cref="AuthenticateAsync"/>; may be replaced to play an expired session.</summary>
    public string? SessionId { get; set; }

    /// <summary>The logged-in user's id.</summary>
    public int Uid { get; private set; }

    /// <summary>Every request sent, in order: its tag, path, and Odoo's parsed answer.</summary>
    public List<SentRequest> Sent { get; init; } = [];

    /// <summary><c>/web/session/authenticate</c>; keeps the session cookie.</summary>
    public async Task AuthenticateAsync()
    {
        var (answer, response) = await PostJsonAsync("/web/session/authenticate", new JsonObject { ["db"] = odoo.Database, ["login"] = odoo.Login, ["password"] = odoo.Password });
        Uid = answer.GetProperty("result").GetProperty("uid").GetInt32();
    }

    /// <summary>A plain GET (e.g. <c>/web/session/logout</c>, which answers 303 and rotates the session); returns the status.</summary>
    public async Task<int> GetAsync(string path)
    {
        using var response = await GetResponseAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        return (int)response.StatusCode;
    }

    /// <summary>A GET with the session cookie; the caller reads and disposes the response.</summary>
    public async Task<HttpResponseMessage> GetResponseAsync(string path)
    {
        var tag = NextTag();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{path}?t={tag}");
        if (SessionId is not null) request.Headers.Add("Cookie", $"session_id={SessionId}");
        var response = await http.SendAsync(request);
        KeepSession(response);
        Sent.Add(new SentRequest(tag, path, (int)response.StatusCode, null));
        return response;
    }

    /// <summary><c>/web/dataset/call_kw/model/method</c>; returns <c>result</c> (or the error answer as a whole).</summary>
    public async Task<JsonElement> CallKwAsync(string model, string method, JsonArray args, JsonObject? kwargs = null)
    {
        var (path, parameters) = CallKw(model, method, args, kwargs);
        return Result((await PostJsonAsync(path, parameters)).Answer);
    }

    /// <summary>The path and <c>params</c> of a <c>call_kw</c> as Odoo 17's web client sends it.</summary>
    public static (string Path, JsonObject Parameters) CallKw(string model, string method, JsonArray args, JsonObject? kwargs = null) =>
        ($"/web/dataset/call_kw/{model}/{method}", new JsonObject { ["model"] = model, ["method"] = method, ["args"] = args, ["kwargs"] = kwargs ?? [] });

    /// <summary><c>/web/dataset/call_button</c> as Odoo 17's web client sends it (model and method in the body only).</summary>
    public async Task<JsonElement> CallButtonAsync(string model, string method, JsonArray args, JsonObject? context = null) =>
        Result((await PostJsonAsync("/web/dataset/call_button",
            new JsonObject { ["model"] = model, ["method"] = method, ["args"] = args, ["kwargs"] = new JsonObject { ["context"] = context ?? [] } })).Answer);

    /// <summary><c>/jsonrpc</c>, service <c>object</c>, <c>execute_kw</c> with the login's password.</summary>
    public async Task<JsonElement> JsonRpcExecuteKwAsync(string model, string method, JsonArray args, JsonObject? kwargs = null) =>
        Result((await PostJsonAsync("/jsonrpc", new JsonObject
        {
            ["service"] = "object",
            ["method"] = "execute_kw",
            ["args"] = new JsonArray(odoo.Database, Uid, odoo.Password, model, method, args, kwargs ?? []),
        })).Answer);

    /// <summary>An XML-RPC call; <paramref name="parameters"/> are already-encoded <c>&lt;value&gt;</c> elements. Returns Odoo's XML.</summary>
    public async Task<string> XmlRpcAsync(string path, string methodName, params string[] parameters)
    {
        var body = $"<?xml version=\"1.0\"?><methodCall><methodName>{methodName}</methodName><params>"
            + string.Concat(parameters.Select(p => $"<param>{p}</param>")) + "</params></methodCall>";
        using var content = new StringContent(body, Encoding.UTF8, "text/xml");
        var tag = NextTag();
        using var response = await http.PostAsync($"{path}?t={tag}", content);
        var text = await response.Content.ReadAsStringAsync();
        Sent.Add(new SentRequest(tag, path, (int)response.StatusCode, null) { XmlAnswer = text });
        return text;
    }

    /// <summary>An XML-RPC string value.</summary>
    public static string XmlString(string value) => $"<value><string>{System.Security.SecurityElement.Escape(value)}</string></value>";

    /// <summary>An XML-RPC int value.</summary>
    public static string XmlInt(int value) => $"<value><int>{value}</int></value>";

    /// <summary>Posts one JSON-RPC call and returns Odoo's answer (result or error) and the response.</summary>
    public async Task<(JsonElement Answer, HttpResponseMessage Response)> PostJsonAsync(string path, JsonObject parameters)
    {
        var tag = NextTag();
        var envelope = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "call", ["params"] = parameters, ["id"] = _next };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}?t={tag}")
        {
            Content = new StringContent(envelope.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (SessionId is not null) request.Headers.Add("Cookie", $"session_id={SessionId}");
        var response = await http.SendAsync(request);
        KeepSession(response);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Sent.Add(new SentRequest(tag, path, (int)response.StatusCode, answer));
        return (answer, response);
    }

    private void KeepSession(HttpResponseMessage response)
    {
        foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            if (cookie.StartsWith("session_id=", StringComparison.Ordinal)) SessionId = cookie["session_id=".Length..].Split(';')[0];
        }
    }

    private string NextTag() => $"{Environment.ProcessId:x}-{Guid.NewGuid():N}"[..20] + $"-{Interlocked.Increment(ref _next)}";

    private static JsonElement Result(JsonElement answer) => answer.TryGetProperty("result", out var result) ? result : answer;
}
