using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OdooSimulator.Routing;

/// <summary>
/// Writes JSON the way Odoo's <c>json.dumps(..., ensure_ascii=False)</c> does (", " and ": " separators,
/// floats keep their ".0"), so the simulator's bytes look like the captures, not like System.Text.Json's.
/// </summary>
internal static class PythonJson
{
    public static string Serialize(JsonNode? node)
    {
        var sb = new StringBuilder(256);
        Write(sb, node);
        return sb.ToString();
    }

    public static byte[] SerializeToUtf8(JsonNode? node) => Encoding.UTF8.GetBytes(Serialize(node));

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    WriteString(sb, key);
                    sb.Append(": ");
                    Write(sb, value);
                }

                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    Write(sb, array[i]);
                }

                sb.Append(']');
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
            default:
                throw new InvalidOperationException("Unknown JSON node type.");
        }
    }

    private static void WriteValue(StringBuilder sb, JsonValue value)
    {
        // Values parsed from a request keep their own number text; values built here follow Python's repr.
        if (value.TryGetValue<JsonElement>(out var element))
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    WriteString(sb, element.GetString()!);
                    return;
                case JsonValueKind.Number:
                    sb.Append(element.GetRawText());
                    return;
                case JsonValueKind.True:
                    sb.Append("true");
                    return;
                case JsonValueKind.False:
                    sb.Append("false");
                    return;
                case JsonValueKind.Null:
                    sb.Append("null");
                    return;
                default:
                    Write(sb, JsonNode.Parse(element.GetRawText()));
                    return;
            }
        }

        if (value.TryGetValue<string>(out var s))
        {
            WriteString(sb, s);
        }
        else if (value.TryGetValue<bool>(out var b))
        {
            sb.Append(b ? "true" : "false");
        }
        else if (value.TryGetValue<double>(out var d))
        {
            sb.Append(FormatFloat(d));
        }
        else if (value.TryGetValue<float>(out var f))
        {
            sb.Append(FormatFloat(f));
        }
        else if (value.TryGetValue<decimal>(out var m))
        {
            sb.Append(FormatFloat((double)m));
        }
        else if (value.TryGetValue<long>(out var l))
        {
            sb.Append(l.ToString(CultureInfo.InvariantCulture));
        }
        else if (value.TryGetValue<int>(out var i))
        {
            sb.Append(i.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append(value.ToJsonString());
        }
    }

    /// <summary>Python's float repr: shortest round-trip digits, always with a decimal point or exponent.</summary>
    internal static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        var text = d.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            // .NET "1E-05" -> Python "1e-05".
            var parts = text.Split('E');
            var exponent = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return string.Create(CultureInfo.InvariantCulture, $"{parts[0]}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}");
        }

        return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
