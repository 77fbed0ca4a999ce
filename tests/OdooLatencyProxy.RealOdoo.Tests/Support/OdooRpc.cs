using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>A web-client session on Odoo (through the proxy or not): JSON-RPC as Odoo 17's web client sends it.</summary>
public sealed class OdooSession(HttpClient client, string cookie)
{
    /// <summary>The <c>session_id=...</c> cookie.</summary>
    public string Cookie => cookie;

    /// <summary>Logs in with <c>/web/session/authenticate</c>.</summary>
    public static async Task<OdooSession> LoginAsync(HttpClient client, RealOdooServer odoo)
    {
        using var response = await client.PostAsJsonAsync("/web/session/authenticate", new
        {
            jsonrpc = "2.0", method = "call", id = 1, @params = new { db = odoo.Database, login = odoo.Login, password = odoo.Password },
        });
        response.EnsureSuccessStatusCode();
        var cookie = response.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("session_id=", StringComparison.Ordinal));
        return new OdooSession(client, cookie[..cookie.IndexOf(';', StringComparison.Ordinal)]);
    }

    /// <summary>POSTs a JSON-RPC call to <paramref name="path"/>; returns <c>result</c>, or throws with Odoo's error.</summary>
    public async Task<JsonNode?> CallAsync(string path, JsonObject parameters)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "call", ["id"] = 1, ["params"] = parameters }),
        };
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return answer["error"] is { } error ? throw new InvalidOperationException($"{path}: {error.ToJsonString()}") : answer["result"];
    }

    /// <summary><c>/web/dataset/call_kw/model/method</c>.</summary>
    public Task<JsonNode?> CallKwAsync(string model, string method, JsonArray args, JsonObject? kwargs = null) =>
        CallAsync($"/web/dataset/call_kw/{model}/{method}",
            new JsonObject { ["model"] = model, ["method"] = method, ["args"] = args, ["kwargs"] = kwargs ?? [] });

    /// <summary>Creates one record and returns its id.</summary>
    public async Task<long> CreateAsync(string model, JsonObject values) =>
        (await CallKwAsync(model, "create", [values]))!.GetValue<long>();

    /// <summary>A GET with the session cookie.</summary>
    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }
}
