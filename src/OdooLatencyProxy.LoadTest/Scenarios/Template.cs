using System.Text;
using System.Text.Json;

namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>Text with <c>{{name}}</c> placeholders, split once at load time so filling it per request is a few appends.</summary>
internal sealed class Template
{
    private enum Kind { Literal, Raw, Url, Json, JsonText, Xml, XmlText }

    private readonly (Kind Kind, string Text)[] _parts;

    private Template((Kind, string)[] parts) => _parts = parts;

    /// <summary>True when the text has no placeholder.</summary>
    public bool IsConstant => _parts.All(p => p.Kind == Kind.Literal);

    /// <summary>Placeholder names used.</summary>
    public IEnumerable<string> Names => _parts.Where(p => p.Kind != Kind.Literal).Select(p => p.Text);

    /// <summary>Splits <paramref name="text"/> into literals and placeholders for <paramref name="context"/>.</summary>
    public static Template Compile(string text, TemplateContext context)
    {
        var parts = new List<(Kind, string)>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            var close = open < 0 ? -1 : text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (open < 0 || close < 0)
            {
                literal.Append(text, i, text.Length - i);
                break;
            }

            var name = text[(open + 2)..close].Trim();
            var typedXml = name.StartsWith("xmlrpc:", StringComparison.Ordinal);
            if (typedXml)
            {
                name = name["xmlrpc:".Length..];
            }

            if (!IsName(name))
            {
                literal.Append(text, i, close + 2 - i);
                i = close + 2;
                continue;
            }

            var start = open;
            var end = close + 2;
            Kind kind;
            switch (context)
            {
                case TemplateContext.Json when open > 0 && text[open - 1] == '"' && end < text.Length && text[end] == '"':
                    kind = Kind.Json;
                    start--;
                    end++;
                    break;
                case TemplateContext.Json:
                    kind = Kind.JsonText;
                    break;
                case TemplateContext.Xml:
                    kind = typedXml ? Kind.Xml : Kind.XmlText;
                    break;
                case TemplateContext.Url:
                    kind = Kind.Url;
                    break;
                default:
                    kind = Kind.Raw;
                    break;
            }

            literal.Append(text, i, start - i);
            if (literal.Length > 0)
            {
                parts.Add((Kind.Literal, literal.ToString()));
                literal.Clear();
            }

            parts.Add((kind, name));
            i = end;
        }

        if (literal.Length > 0 || parts.Count == 0)
        {
            parts.Add((Kind.Literal, literal.ToString()));
        }

        return new Template([.. parts]);
    }

    /// <summary>Fills the placeholders with values from <paramref name="values"/>.</summary>
    public string Render(Func<string, TemplateValue> values)
    {
        if (_parts.Length == 1 && _parts[0].Kind == Kind.Literal)
        {
            return _parts[0].Text;
        }

        var text = new StringBuilder();
        foreach (var (kind, part) in _parts)
        {
            if (kind == Kind.Literal)
            {
                text.Append(part);
                continue;
            }

            var value = values(part);
            switch (kind)
            {
                case Kind.Json:
                    value.WriteJson(text);
                    break;
                case Kind.JsonText:
                    value.WriteJsonText(text);
                    break;
                case Kind.Xml:
                    value.WriteXmlValue(text);
                    break;
                case Kind.XmlText:
                    text.Append(Odoo.OdooRequests.XmlEscape(value.Text));
                    break;
                case Kind.Url:
                    text.Append(Uri.EscapeDataString(value.Text));
                    break;
                default:
                    text.Append(value.Text);
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>True for <c>{{name}}</c> placeholders: letters, digits and <c>_</c>.</summary>
    public static bool IsName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
