using System.Text.Json.Nodes;

namespace OdooSimulator.Routing;

/// <summary>The business call inside a request, whatever the protocol: service, model, method and arguments.</summary>
/// <param name="Service">"object" for model methods; "common" or "db" for the RPC services.</param>
internal sealed record RpcCall(string Service, string Model, string Method, JsonArray Args, JsonObject Kwargs)
{
    public static RpcCall Object(string model, string method, JsonArray? args, JsonObject? kwargs) =>
        new("object", model, method, args ?? [], kwargs ?? []);
}
