using System.Text.Json;

namespace OdooLatencyProxy.Odoo.Classification;

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
