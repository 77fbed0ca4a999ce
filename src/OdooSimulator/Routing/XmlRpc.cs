using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace OdooSimulator.Routing;

/// <summary>XML-RPC as Python's xmlrpc.client speaks it (Odoo's /xmlrpc endpoints), mapped to and from JSON nodes.</summary>
internal static class XmlRpc
{
    private const string Header = "<?xml version='1.0'?>\n";

    /// <summary>Parses a methodCall; throws <see cref="FormatException"/> on anything else.</summary>
    public static (string Method, JsonArray Params) ParseCall(ReadOnlyMemory<byte> body)
    {
        XDocument doc;
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            doc = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new FormatException("Not XML.", ex);
        }

        var call = doc.Root is { Name.LocalName: "methodCall" } root ? root : throw new FormatException("Not a methodCall.");
        var method = call.Element("methodName")?.Value.Trim() ?? throw new FormatException("No methodName.");
        var parameters = new JsonArray();
        foreach (var param in call.Element("params")?.Elements("param") ?? [])
        {
            parameters.Add(ParseValue(param.Element("value") ?? throw new FormatException("A param without value.")));
        }

        return (method, parameters);
    }

    public static string Response(JsonNode? result)
    {
        var sb = new StringBuilder(Header).Append("<methodResponse>\n<params>\n<param>\n");
        Dump(sb, result);
        return sb.Append("</param>\n</params>\n</methodResponse>\n").ToString();
    }

    /// <summary>A fault, serialized as xmlrpc.client.dumps(Fault) does.</summary>
    public static string Fault(JsonNode faultCode, string faultString)
    {
        var sb = new StringBuilder(Header).Append("<methodResponse>\n<fault>\n");
        Dump(sb, new JsonObject { ["faultCode"] = faultCode, ["faultString"] = faultString });
        return sb.Append("</fault>\n</methodResponse>\n").ToString();
    }

    private static JsonNode? ParseValue(XElement value)
    {
        var typed = value.Elements().FirstOrDefault();
        if (typed is null)
        {
            return value.Value;
        }

        var text = typed.Value;
        return typed.Name.LocalName switch
        {
            "int" or "i4" or "i8" or "i1" or "i2" => long.Parse(text.Trim(), CultureInfo.InvariantCulture),
            "boolean" => text.Trim() == "1",
            "double" => double.Parse(text.Trim(), CultureInfo.InvariantCulture),
            "string" or "dateTime.iso8601" or "base64" => text,
            "nil" => null,
            "array" => new JsonArray([.. (typed.Element("data")?.Elements("value") ?? []).Select(ParseValue)]),
            "struct" => Struct(typed),
            _ => throw new FormatException($"Unknown XML-RPC type '{typed.Name.LocalName}'."),
        };
    }

    private static JsonObject Struct(XElement element)
    {
        var obj = new JsonObject();
        foreach (var member in element.Elements("member"))
        {
            var name = member.Element("name")?.Value ?? throw new FormatException("A member without name.");
            obj[name] = ParseValue(member.Element("value") ?? throw new FormatException("A member without value."));
        }

        return obj;
    }

    private static void Dump(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                // Odoo's marshaller sends None as False (XML-RPC has no nil without the extension).
                sb.Append("<value><boolean>0</boolean></value>\n");
                break;
            case JsonObject obj:
                sb.Append("<value><struct>\n");
                foreach (var (key, value) in obj)
                {
                    sb.Append("<member>\n<name>").Append(Escape(key)).Append("</name>\n");
                    Dump(sb, value);
                    sb.Append("</member>\n");
                }

                sb.Append("</struct></value>\n");
                break;
            case JsonArray array:
                sb.Append("<value><array><data>\n");
                foreach (var item in array)
                {
                    Dump(sb, item);
                }

                sb.Append("</data></array></value>\n");
                break;
            case JsonValue value:
                DumpScalar(sb, value);
                break;
        }
    }

    private static void DumpScalar(StringBuilder sb, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.True:
                sb.Append("<value><boolean>1</boolean></value>\n");
                break;
            case JsonValueKind.False or JsonValueKind.Null:
                sb.Append("<value><boolean>0</boolean></value>\n");
                break;
            case JsonValueKind.String:
                sb.Append("<value><string>").Append(Escape(value.GetValue<string>())).Append("</string></value>\n");
                break;
            case JsonValueKind.Number:
                var text = PythonJson.Serialize(value);
                var isFloat = text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.OrdinalIgnoreCase);
                sb.Append(isFloat ? "<value><double>" : "<value><int>").Append(text).Append(isFloat ? "</double></value>\n" : "</int></value>\n");
                break;
            default:
                sb.Append("<value><string>").Append(Escape(value.ToJsonString())).Append("</string></value>\n");
                break;
        }
    }

    // xmlrpc.client.escape: only &, <, > (quotes stay as they are).
    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
