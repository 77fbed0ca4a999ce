using System.Text.Json.Nodes;

namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>A logged-in web-client session that answers a call's result or throws Odoo's error; <see cref="OdooClient"/> sends every request.</summary>
public sealed class OdooSession
{
    private readonly OdooClient _client;

    private OdooSession(OdooClient client) => _client = client;

    /// <summary>Logs in with <c>/web/session/authenticate</c>.</summary>
    public static async Task<OdooSession> LoginAsync(HttpClient client, RealOdooServer odoo)
    {
        var session = new OdooClient(client, odoo);
        await session.AuthenticateAsync();
        return new OdooSession(session);
    }

    /// <summary>POSTs a JSON-RPC call to <paramref name="path"/>; returns <c>result</c>, or throws with Odoo's error.</summary>
    public async Task<JsonNode?> CallAsync(string path, JsonObject parameters)
    {
        var (answer, response) = await _client.PostJsonAsync(path, parameters);
        response.Dispose();
        return answer.TryGetProperty("error", out var error)
            ? throw new InvalidOperationException($"{path}: {error.GetRawText()}")
            : answer.TryGetProperty("result", out var result) ? JsonNode.Parse(result.GetRawText()) : null;
    }

    /// <summary><c>/web/dataset/call_kw/model/method</c>.</summary>
    public Task<JsonNode?> CallKwAsync(string model, string method, JsonArray args, JsonObject? kwargs = null)
    {
        var (path, parameters) = OdooClient.CallKw(model, method, args, kwargs);
        return CallAsync(path, parameters);
    }

    /// <summary>Creates one record and returns its id.</summary>
    public async Task<long> CreateAsync(string model, JsonObject values) =>
        (await CallKwAsync(model, "create", [values]))!.GetValue<long>();

    /// <summary>A GET with the session cookie.</summary>
    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetResponseAsync(path);
}
