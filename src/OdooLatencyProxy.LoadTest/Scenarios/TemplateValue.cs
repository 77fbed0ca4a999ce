using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>A value a placeholder stands for: a number, a string, a boolean or raw JSON.</summary>
internal readonly record struct TemplateValue(JsonValueKind Kind, string Text)
{
    // Quotes as \" like every JSON writer, not \u0022: bodies should look like what Odoo's clients send.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TemplateValue Number(long value) => new(JsonValueKind.Number, value.ToString(CultureInfo.InvariantCulture));

    public static TemplateValue String(string value) => new(JsonValueKind.String, value);

    public static TemplateValue From(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => String(element.GetString()!),
        JsonValueKind.Number => new(JsonValueKind.Number, element.GetRawText()),
        JsonValueKind.True or JsonValueKind.False => new(element.ValueKind, element.GetRawText()),
        _ => new(JsonValueKind.Object, element.GetRawText()),
    };

    public void WriteJson(StringBuilder to) =>
        to.Append(Kind == JsonValueKind.String ? JsonSerializer.Serialize(Text, Relaxed) : Text);

    public void WriteJsonText(StringBuilder to)
    {
        var quoted = JsonSerializer.Serialize(Text, Relaxed);
        to.Append(quoted, 1, quoted.Length - 2);
    }

    public void WriteXmlValue(StringBuilder to)
    {
        switch (Kind)
        {
            case JsonValueKind.Number when long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n is >= int.MinValue and <= int.MaxValue:
                to.Append("<int>").Append(Text).Append("</int>");
                break;
            case JsonValueKind.Number:
                to.Append("<double>").Append(Text).Append("</double>");
                break;
            case JsonValueKind.True:
                to.Append("<boolean>1</boolean>");
                break;
            case JsonValueKind.False:
                to.Append("<boolean>0</boolean>");
                break;
            default:
                to.Append("<string>").Append(Odoo.OdooRequests.XmlEscape(Text)).Append("</string>");
                break;
        }
    }
}
