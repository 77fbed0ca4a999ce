using System.Text.Json;

namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>Where a captured value lies: in the body, or unescaped into the caller's scratch buffer.</summary>
internal readonly record struct FieldRef(int Start, int Length, bool InScratch, bool Invalid)
{
    // A value that fails name validation: marks a field that was present but unusable (too long, not a string).
    public static FieldRef Unusable { get; } = new(0, 0, false, true);

    public ReadOnlySpan<byte> Resolve(ReadOnlySpan<byte> body, ReadOnlySpan<byte> scratch) =>
        Invalid ? "!"u8 : (InScratch ? scratch : body).Slice(Start, Length);
}

/// <summary>The fields of a JSON-RPC request that name it.</summary>
internal struct JsonRpcRequestFacts
{
    public FieldRef Model;
    public FieldRef Method;
    public FieldRef Service;
    public FieldRef ActionId;
    public FieldRef Arg3;
    public FieldRef Arg4;

    // The record a button runs on: params.args[0][0] (call_button's ids), or params.args[0] when it is a number.
    public FieldRef FirstId;
}

/// <summary>Reads <c>params.model</c>, <c>params.method</c>, <c>params.service</c>, <c>params.action_id</c> and <c>params.args[3..4]</c> in any key order.</summary>
internal static class JsonRpcRequestReader
{
    /// <summary>Bytes of scratch the caller provides: room to unescape each captured string.</summary>
    public const int ScratchBytes = FieldCount * RequestClassifier.MaxNameLength;

    private const int FieldCount = 6;

    private static readonly JsonReaderOptions Options = new()
    {
        // Odoo's own parser (Python json) rejects comments and trailing commas, so accepting them would only name requests Odoo refuses.
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 256,
    };

    /// <summary>Reads the whole body; false when it is not a complete, well-formed JSON object.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, Span<byte> scratch, out JsonRpcRequestFacts facts)
    {
        facts = default;
        var reader = new Utf8JsonReader(body, Options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isParams = reader.ValueTextEquals("params"u8);
                reader.Read();
                if (isParams && reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadParams(ref reader, scratch, ref facts);
                }
                else
                {
                    reader.Skip();
                }
            }

            // The span constructor makes this the final block: reading to the end validates the whole document.
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void ReadParams(ref Utf8JsonReader reader, Span<byte> scratch, ref JsonRpcRequestFacts facts)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                facts.Model = ReadString(ref reader, scratch, 0);
            }
            else if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                facts.Method = ReadString(ref reader, scratch, RequestClassifier.MaxNameLength);
            }
            else if (reader.ValueTextEquals("service"u8))
            {
                reader.Read();
                facts.Service = ReadString(ref reader, scratch, 2 * RequestClassifier.MaxNameLength);
            }
            else if (reader.ValueTextEquals("action_id"u8))
            {
                reader.Read();
                facts.ActionId = reader.TokenType == JsonTokenType.Number
                    ? NumberRef(ref reader)
                    : ReadString(ref reader, scratch, 3 * RequestClassifier.MaxNameLength);
            }
            else if (reader.ValueTextEquals("args"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    ReadArgs(ref reader, scratch, ref facts);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadArgs(ref Utf8JsonReader reader, Span<byte> scratch, ref JsonRpcRequestFacts facts)
    {
        // execute_kw: [db, uid, password, model, method, args, kwargs]; call_button/call_kw: [ids, ...]
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (index == 0)
            {
                facts.FirstId = ReadFirstId(ref reader);
            }
            else if (index == 3)
            {
                facts.Arg3 = ReadString(ref reader, scratch, 4 * RequestClassifier.MaxNameLength);
            }
            else if (index == 4)
            {
                facts.Arg4 = ReadString(ref reader, scratch, 5 * RequestClassifier.MaxNameLength);
            }
            else
            {
                reader.Skip();
            }

            index++;
        }
    }

    private static FieldRef ReadFirstId(ref Utf8JsonReader reader)
    {
        var id = FieldRef.Unusable;
        if (reader.TokenType == JsonTokenType.Number)
        {
            return NumberRef(ref reader);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return id;
        }

        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (first && reader.TokenType == JsonTokenType.Number)
            {
                id = NumberRef(ref reader);
            }
            else
            {
                reader.Skip();
            }

            first = false;
        }

        return id;
    }

    private static FieldRef NumberRef(ref Utf8JsonReader reader) =>
        reader.ValueSpan.Length <= RequestClassifier.MaxNameLength
            ? new FieldRef((int)reader.TokenStartIndex, reader.ValueSpan.Length, false, false)
            : FieldRef.Unusable;

    private static FieldRef ReadString(ref Utf8JsonReader reader, Span<byte> scratch, int offset)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return FieldRef.Unusable;
        }

        if (reader.ValueSpan.Length > RequestClassifier.MaxNameLength)
        {
            return FieldRef.Unusable;
        }

        if (!reader.ValueIsEscaped)
        {
            // TokenStartIndex is the opening quote.
            return new FieldRef((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, false, false);
        }

        // Unescaped text is never longer than its escaped form, so the scratch slot always fits.
        var written = reader.CopyString(scratch.Slice(offset, RequestClassifier.MaxNameLength));
        return new FieldRef(offset, written, true, false);
    }
}

/// <summary>Finds the method name and the 4th and 5th <c>&lt;param&gt;</c> of an XML-RPC call without an XML parser.</summary>
internal static class XmlRpcRequestReader
{
    public static bool TryRead(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> methodName, out ReadOnlySpan<byte> model, out ReadOnlySpan<byte> method)
    {
        methodName = default;
        model = default;
        method = default;

        var start = body.IndexOf("<methodName>"u8);
        if (start < 0)
        {
            return false;
        }

        var rest = body[(start + "<methodName>".Length)..];
        var end = rest.IndexOf("</methodName>"u8);
        if (end < 0)
        {
            return false;
        }

        methodName = rest[..end].Trim(" \t\r\n"u8);
        rest = rest[end..];

        // <param> only appears at the top level of a call (nested values use <data> and <member>), so counting them is enough.
        for (var n = 1; n <= 5; n++)
        {
            var param = IndexOfParam(rest);
            if (param < 0)
            {
                return false;
            }

            rest = rest[param..];
            if (n == 4 && !TryReadString(rest, out model))
            {
                return false;
            }

            if (n == 5 && !TryReadString(rest, out method))
            {
                return false;
            }
        }

        return true;
    }

    private static int IndexOfParam(ReadOnlySpan<byte> text)
    {
        var offset = 0;
        while (true)
        {
            var i = text[offset..].IndexOf("<param"u8);
            if (i < 0)
            {
                return -1;
            }

            var after = offset + i + "<param".Length;
            if (after < text.Length && text[after] is (byte)'>' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                return after;
            }

            offset = after; // "<params>"
        }
    }

    private static bool TryReadString(ReadOnlySpan<byte> text, out ReadOnlySpan<byte> value)
    {
        value = default;
        var open = text.IndexOf("<value>"u8);
        var close = text.IndexOf("</param>"u8);
        if (open < 0 || close < 0 || open > close)
        {
            return false;
        }

        var inner = text[(open + "<value>".Length)..close];
        var lt = inner.IndexOf((byte)'<');
        if (lt < 0)
        {
            return false;
        }

        var before = inner[..lt];
        var tag = inner[lt..];
        if (tag.StartsWith("</value>"u8))
        {
            // An untyped <value> is a string.
            value = before;
            return true;
        }

        if (!before.Trim(" \t\r\n"u8).IsEmpty || !tag.StartsWith("<string>"u8))
        {
            return false;
        }

        var content = tag["<string>".Length..];
        var endString = content.IndexOf("</string>"u8);
        if (endString < 0)
        {
            return false;
        }

        value = content[..endString];
        return true;
    }
}
