using System.Text.Json.Nodes;

namespace OdooSimulator.Routing;

/// <summary>Odoo's error payloads, built from the captured ones so keys, order and traceback style match.</summary>
internal static class OdooErrors
{
    public const string UserError = "odoo.exceptions.UserError";
    public const string AccessDenied = "odoo.exceptions.AccessDenied";

    /// <summary>The <c>error.data</c> of a UserError raised by <paramref name="call"/> (captured messages where the capture has one).</summary>
    public static JsonObject UserErrorData(RpcCall? call, bool viaButton)
    {
        var (capture, message) = call switch
        {
            { Model: "account.move", Method: "action_post" } => ("error-call-button-action-post.json", (string?)null),
            { Model: "sale.order", Method: "action_confirm" } => ("error-call-button-action-confirm.json", null),
            _ when viaButton => ("error-call-button-action-post.json", Message(call)),
            _ => ("error-call-kw-unlink.json", Message(call)),
        };
        var data = Captures.Json(capture)["error"]!["data"]!.DeepClone().AsObject();
        if (message is not null)
        {
            Rewrite(data, UserError, message);
        }

        return data;
    }

    /// <summary>The <c>error.data</c> Odoo sends for a wrong login or password.</summary>
    public static JsonObject AccessDeniedData()
    {
        var data = Captures.Json("error-call-kw-unlink.json")["error"]!["data"]!.DeepClone().AsObject();
        Rewrite(data, AccessDenied, "Access Denied");
        return data;
    }

    /// <summary>The <c>error.data</c> for a body that is not JSON (Werkzeug's BadRequest inside Odoo's JSON dispatcher).</summary>
    public static JsonObject BadRequestData()
    {
        var data = Captures.Json("error-call-kw-unlink.json")["error"]!["data"]!.DeepClone().AsObject();
        Rewrite(data, "werkzeug.exceptions.BadRequest", "400 Bad Request: Invalid JSON data");
        return data;
    }

    /// <summary><c>{"jsonrpc": "2.0", "id": id, "error": {"code": 200, "message": "Odoo Server Error", "data": data}}</c>.</summary>
    public static JsonObject JsonRpcError(JsonNode? id, JsonObject data) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id?.DeepClone(),
        ["error"] = new JsonObject { ["code"] = 200, ["message"] = "Odoo Server Error", ["data"] = data },
    };

    /// <summary>The captured expired-session answer: code 100, and <c>"id": null</c> because Odoo rejects the session before reading the body.</summary>
    public static JsonObject SessionExpired() => Captures.Json("error-session-expired.json").AsObject();

    private static string Message(RpcCall? call) =>
        call is null ? "Simulated UserError." : $"Simulated UserError in {call.Model}.{call.Method}.";

    private static void Rewrite(JsonObject data, string name, string message)
    {
        var debug = data["debug"]!.GetValue<string>().TrimEnd('\n');
        var lastLine = debug.LastIndexOf('\n');
        data["name"] = name;
        data["debug"] = debug[..(lastLine + 1)] + name + ": " + message + "\n";
        data["message"] = message;
        data["arguments"] = new JsonArray(message);
    }
}
