using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OdooLatencyProxy.Odoo;

/// <summary>How Odoo's clients shape requests (web client JSON-RPC, external JSON-RPC, XML-RPC): one place for the harness and whoever builds them.</summary>
/// <remarks>Shapes follow Odoo 16-19's controllers and the Odoo 17 captures: the web client's envelope, <c>call_kw</c> with model and
/// method in the URL, <c>call_button</c> in the body on 16/17 and in the URL from 18 on, <c>execute_kw</c> argument order.</remarks>
public static class OdooRequests
{
    /// <summary>Logs in and returns session info with a <c>session_id</c> cookie (JSON-RPC, params <c>db</c>, <c>login</c>, <c>password</c>).</summary>
    public const string AuthenticatePath = "/web/session/authenticate";

    /// <summary>External JSON-RPC endpoint (<c>service</c>, <c>method</c>, <c>args</c>).</summary>
    public const string JsonRpcPath = "/jsonrpc";

    /// <summary>XML-RPC object service (<c>execute_kw</c>).</summary>
    public const string XmlRpcObjectPath = "/xmlrpc/2/object";

    /// <summary>OCA queue_job runner route; jobs run inside an HTTP worker.</summary>
    public const string QueueJobRunPath = "/queue_job/runjob";

    /// <summary>The first Odoo version whose <c>call_button</c> carries model and method in the URL.</summary>
    public const int CallButtonInUrlSince = 18;

    /// <summary><c>/web/dataset/call_kw/&lt;model&gt;/&lt;method&gt;</c>, as every web client version sends it.</summary>
    public static string CallKwPath(string model, string method) => $"/web/dataset/call_kw/{model}/{method}";

    /// <summary><c>/web/dataset/call_button</c> (16, 17) or <c>/web/dataset/call_button/&lt;model&gt;/&lt;method&gt;</c> (18+).</summary>
    public static string CallButtonPath(string model, string method, int odooVersion) =>
        odooVersion >= CallButtonInUrlSince ? $"/web/dataset/call_button/{model}/{method}" : "/web/dataset/call_button";

    /// <summary>Web client route answering <c>{"result": {"server_version_info": [17, 0, 0, "final", 0, ""], ...}}</c> without a session.</summary>
    public const string VersionInfoPath = "/web/webclient/version_info";

    /// <summary>The first Odoo version whose <c>onchange</c> takes a fields specification (16 takes <c>{"field": "1", "line_ids.field": "1"}</c>).</summary>
    public const int OnchangeSpecSince = 17;

    /// <summary>
    /// <c>args</c> of the web client's <c>onchange</c> for a new record: <c>[[], values, [], spec]</c>. 17+ pass the
    /// fields specification as is (<c>onchange(values, field_names, fields_spec)</c>); 16 flattens it to
    /// <c>{"partner_id": "1", "order_line": "1", "order_line.product_id": "1"}</c> (<c>onchange(values, field_name, field_onchange)</c>).
    /// </summary>
    public static JsonArray OnchangeArgs(JsonObject values, JsonObject fieldsSpec, int odooVersion)
    {
        ArgumentNullException.ThrowIfNull(fieldsSpec);
        JsonObject spec;
        if (odooVersion >= OnchangeSpecSince)
        {
            spec = (JsonObject)fieldsSpec.DeepClone();
        }
        else
        {
            spec = [];
            Flatten(fieldsSpec, "", spec);
        }

        return [new JsonArray(), values?.DeepClone() ?? new JsonObject(), new JsonArray(), spec];

        static void Flatten(JsonObject fields, string prefix, JsonObject into)
        {
            foreach (var (name, sub) in fields)
            {
                into[prefix + name] = "1";
                if (sub?["fields"] is JsonObject nested)
                {
                    Flatten(nested, prefix + name + ".", into);
                }
            }
        }
    }

    /// <summary>The JSON-RPC envelope the web client sends: <c>{"id","jsonrpc":"2.0","method":"call","params"}</c>.</summary>
    public static JsonObject JsonRpcEnvelope(JsonNode? parameters, JsonNode? id) => new()
    {
        ["id"] = id,
        ["jsonrpc"] = "2.0",
        ["method"] = "call",
        ["params"] = parameters,
    };

    /// <summary><c>params</c> of <c>call_kw</c> and <c>call_button</c>: <c>args</c>, <c>kwargs</c>, <c>method</c>, <c>model</c> (the browser's order).</summary>
    public static JsonObject CallParams(string model, string method, JsonArray? args, JsonObject? kwargs) => new()
    {
        ["args"] = args ?? [],
        ["kwargs"] = kwargs ?? new JsonObject { ["context"] = new JsonObject() },
        ["method"] = method,
        ["model"] = model,
    };

    /// <summary><c>params</c> of <c>/web/session/authenticate</c>.</summary>
    public static JsonObject AuthenticateParams(string database, string login, string password) => new()
    {
        ["db"] = database,
        ["login"] = login,
        ["password"] = password,
    };

    /// <summary><c>params</c> of an external <c>/jsonrpc</c> <c>execute_kw</c>: <c>args</c> = <c>[db, uid, password, model, method, args, kwargs]</c>.</summary>
    public static JsonObject ExecuteKwParams(JsonNode? database, JsonNode? uid, JsonNode? password, string model, string method, JsonArray? args, JsonObject? kwargs) => new()
    {
        ["service"] = "object",
        ["method"] = "execute_kw",
        ["args"] = new JsonArray(database, uid, password, model, method, args ?? [], kwargs ?? []),
    };

    /// <summary>
    /// An XML-RPC <c>execute_kw</c> call, as Python's xmlrpc.client writes it. <paramref name="rawValue"/> may replace a string
    /// value by raw XML placed inside <c>&lt;value&gt;</c> (null keeps the string), which lets a caller fill typed values later.
    /// </summary>
    public static string XmlRpcExecuteKw(JsonNode? database, JsonNode? uid, JsonNode? password, string model, string method,
        JsonArray? args, JsonObject? kwargs, Func<string, string?>? rawValue = null)
    {
        var xml = new StringBuilder("<?xml version='1.0'?>\n<methodCall>\n<methodName>execute_kw</methodName>\n<params>\n");
        foreach (var param in new JsonNode?[] { database, uid, password, model, method, args ?? [], kwargs ?? [] })
        {
            xml.Append("<param>\n");
            WriteXmlRpcValue(xml, param, rawValue);
            xml.Append("</param>\n");
        }

        return xml.Append("</params>\n</methodCall>\n").ToString();
    }

    /// <summary>Writes one JSON value as an XML-RPC <c>&lt;value&gt;</c>: null is <c>&lt;nil/&gt;</c> (Odoo allows none).</summary>
    public static void WriteXmlRpcValue(StringBuilder xml, JsonNode? node, Func<string, string?>? rawValue = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        xml.Append("<value>");
        switch (node)
        {
            case null:
                xml.Append("<nil/>");
                break;
            case JsonArray array:
                xml.Append("<array><data>\n");
                foreach (var item in array)
                {
                    WriteXmlRpcValue(xml, item, rawValue);
                }

                xml.Append("</data></array>");
                break;
            case JsonObject obj:
                xml.Append("<struct>\n");
                foreach (var (name, value) in obj)
                {
                    xml.Append("<member>\n<name>").Append(XmlEscape(name)).Append("</name>\n");
                    WriteXmlRpcValue(xml, value, rawValue);
                    xml.Append("</member>\n");
                }

                xml.Append("</struct>");
                break;
            case JsonValue value:
                WriteScalar(xml, value, rawValue);
                break;
        }

        xml.Append("</value>\n");
    }

    private static void WriteScalar(StringBuilder xml, JsonValue value, Func<string, string?>? rawValue)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                if (rawValue?.Invoke(text) is { } raw)
                {
                    xml.Append(raw);
                }
                else
                {
                    xml.Append("<string>").Append(XmlEscape(text)).Append("</string>");
                }

                break;
            case JsonValueKind.True:
                xml.Append("<boolean>1</boolean>");
                break;
            case JsonValueKind.False:
                xml.Append("<boolean>0</boolean>");
                break;
            case JsonValueKind.Number when value.TryGetValue<int>(out var i):
                xml.Append("<int>").Append(i.ToString(CultureInfo.InvariantCulture)).Append("</int>");
                break;
            case JsonValueKind.Number:
                xml.Append("<double>").Append(value.GetValue<double>().ToString("R", CultureInfo.InvariantCulture)).Append("</double>");
                break;
            default:
                xml.Append("<nil/>");
                break;
        }
    }

    /// <summary>Escapes text for XML character data.</summary>
    public static string XmlEscape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    }
}
