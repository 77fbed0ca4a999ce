using System.Buffers;
using System.Buffers.Text;
using System.IO.Compression;
using System.Text.Json;

namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>Decides a response's outcome from its status, headers and a bounded prefix of its body; never needs the whole body.</summary>
/// <remarks>Thread-safe and stateless. Nothing throws out of <see cref="Detect"/>.</remarks>
public static class ResponseOutcomeDetector
{
    /// <summary>How many leading body bytes to hand to <see cref="Detect"/>: enough for <c>error.code</c> and <c>data.name</c>.</summary>
    public const int DefaultPrefixBytes = 4096;

    // Decompressed bytes looked at for gzip/deflate/br bodies: the same budget as an uncompressed prefix.
    private const int DecompressedLimit = DefaultPrefixBytes;

    private const int MaxClassNameBytes = 256;

    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    /// <summary>True when the body prefix can change the outcome (2xx with a JSON or XML content type); otherwise the status alone decides.</summary>
    public static bool ShouldInspectBody(int statusCode, ReadOnlySpan<char> contentType) =>
        statusCode is >= 200 and < 300 && KindOf(contentType) != BodyKind.Other;

    /// <summary>Decides <c>ok</c>, <c>rpc_error</c> (with class), <c>session_expired</c>, <c>client_error</c> or <c>server_error</c>.</summary>
    /// <param name="statusCode">HTTP status from Odoo.</param>
    /// <param name="contentType">Response <c>Content-Type</c>, or empty.</param>
    /// <param name="contentEncoding">Response <c>Content-Encoding</c>, or empty; gzip, deflate and br prefixes are decompressed.</param>
    /// <param name="bodyPrefix">The first bytes of the body as received (at most <see cref="DefaultPrefixBytes"/> is plenty).</param>
    /// <param name="isCompleteBody">True when <paramref name="bodyPrefix"/> is the whole body.</param>
    public static ResponseOutcome Detect(int statusCode, ReadOnlySpan<char> contentType, ReadOnlySpan<char> contentEncoding,
        ReadOnlySpan<byte> bodyPrefix, bool isCompleteBody)
    {
        if (statusCode is >= 400 and < 500)
        {
            return new(OdooOutcome.ClientError);
        }

        if (statusCode is < 100 or >= 500)
        {
            return new(OdooOutcome.ServerError);
        }

        if (statusCode >= 300 || statusCode < 200)
        {
            return ResponseOutcome.Ok;
        }

        var kind = KindOf(contentType);
        if (kind == BodyKind.Other || bodyPrefix.IsEmpty)
        {
            return ResponseOutcome.Ok;
        }

        try
        {
            var encoding = contentEncoding.Trim();
            if (!encoding.IsEmpty && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                return DetectCompressed(kind, encoding, bodyPrefix, isCompleteBody);
            }

            return Scan(kind, bodyPrefix, isCompleteBody);
        }
#pragma warning disable CA1031 // Outcome detection must never fail a request; what could not be read is judged by the status.
        catch (Exception)
#pragma warning restore CA1031
        {
            return ResponseOutcome.Ok;
        }
    }

    private static ResponseOutcome Scan(BodyKind kind, ReadOnlySpan<byte> body, bool isFinal) =>
        kind == BodyKind.Json ? ScanJsonRpc(body, isFinal) : ScanXmlRpc(body);

    private static ResponseOutcome DetectCompressed(BodyKind kind, ReadOnlySpan<char> encoding, ReadOnlySpan<byte> prefix, bool isCompleteBody)
    {
        var output = ArrayPool<byte>.Shared.Rent(DecompressedLimit);
        try
        {
            int written;
            bool complete;
            if (encoding.Equals("br", StringComparison.OrdinalIgnoreCase))
            {
                using var decoder = new BrotliDecoder();
                var status = decoder.Decompress(prefix, output.AsSpan(0, DecompressedLimit), out _, out written);
                complete = status == OperationStatus.Done;
            }
            else if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase)
                || encoding.Equals("deflate", StringComparison.OrdinalIgnoreCase))
            {
                (written, complete) = Inflate(encoding, prefix, output);
            }
            else
            {
                // An encoding we cannot read (zstd, compress, a list of codings): the status decides.
                return ResponseOutcome.Ok;
            }

            return Scan(kind, output.AsSpan(0, written), complete && isCompleteBody);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private static (int Written, bool Complete) Inflate(ReadOnlySpan<char> encoding, ReadOnlySpan<byte> prefix, byte[] output)
    {
        using var input = new MemoryStream(prefix.ToArray(), writable: false);
        using Stream inflater = encoding.Equals("deflate", StringComparison.OrdinalIgnoreCase)
            ? new ZLibStream(input, CompressionMode.Decompress)
            : new GZipStream(input, CompressionMode.Decompress);
        var written = 0;
        try
        {
            while (written < DecompressedLimit)
            {
                var read = inflater.Read(output, written, DecompressedLimit - written);
                if (read == 0)
                {
                    return (written, true);
                }

                written += read;
            }
        }
        catch (InvalidDataException)
        {
            // A prefix cut mid-stream: keep what was inflated before the cut.
        }

        return (written, false);
    }

    private static ResponseOutcome ScanJsonRpc(ReadOnlySpan<byte> body, bool isFinal)
    {
        var reader = new Utf8JsonReader(body, isFinal, new JsonReaderState(Options));
        var sawError = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ResponseOutcome.Ok;
            }

            // Only top-level keys matter: a response has "result" or "error", in whatever order Odoo writes its keys.
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("result"u8))
                {
                    return ResponseOutcome.Ok;
                }

                if (reader.ValueTextEquals("error"u8))
                {
                    if (!reader.Read())
                    {
                        return new(OdooOutcome.RpcError, OdooErrorClass.Other);
                    }

                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        sawError = true;
                        return ScanError(ref reader);
                    }

                    if (reader.TokenType != JsonTokenType.Null)
                    {
                        return new(OdooOutcome.RpcError, OdooErrorClass.Other);
                    }

                    continue;
                }

                if (!reader.Read() || !reader.TrySkip())
                {
                    break; // the prefix ends inside this value
                }
            }

            return ResponseOutcome.Ok;
        }
        catch (JsonException)
        {
            return sawError ? new(OdooOutcome.RpcError, OdooErrorClass.Other) : ResponseOutcome.Ok;
        }
    }

    private static ResponseOutcome ScanError(ref Utf8JsonReader reader)
    {
        var sawCode = false;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("code"u8))
                {
                    if (!reader.Read())
                    {
                        break;
                    }

                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var code) && code == 100)
                    {
                        return new(OdooOutcome.SessionExpired);
                    }

                    sawCode = true;
                    if (!reader.TrySkip())
                    {
                        break;
                    }
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    if (!reader.Read())
                    {
                        break;
                    }

                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        var fromName = ScanData(ref reader, stopAtName: sawCode);
                        if (fromName.Outcome == OdooOutcome.SessionExpired || (fromName.ErrorClass != OdooErrorClass.None && sawCode))
                        {
                            return fromName;
                        }

                        if (fromName.ErrorClass != OdooErrorClass.None)
                        {
                            // The class is known; only a code 100 later on could still change the verdict.
                            return ScanCodeAfterData(ref reader, fromName);
                        }
                    }
                    else if (!reader.TrySkip())
                    {
                        break;
                    }
                }
                else if (!reader.Read() || !reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // A broken error object is still an error.
        }

        return new(OdooOutcome.RpcError, OdooErrorClass.Other);
    }

    private static ResponseOutcome ScanCodeAfterData(ref Utf8JsonReader reader, ResponseOutcome fromName)
    {
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("code"u8))
                {
                    return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var code) && code == 100
                        ? new(OdooOutcome.SessionExpired)
                        : fromName;
                }

                if (!reader.Read() || !reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Keep the class already found.
        }

        return fromName;
    }

    /// <summary>Reads <c>error.data</c> up to its <c>name</c>; unless told to stop there, leaves the reader after the data object.</summary>
    private static ResponseOutcome ScanData(ref Utf8JsonReader reader, bool stopAtName)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                if (!reader.Read())
                {
                    break;
                }

                var result = reader.TokenType == JsonTokenType.String
                    ? ClassifyExceptionName(ref reader)
                    : new ResponseOutcome(OdooOutcome.RpcError, OdooErrorClass.Other);

                if (stopAtName)
                {
                    // The code is already known: the traceback after the name is not worth reading.
                    return result;
                }

                // Move past the rest of data so the caller can still see a later "code".
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (!reader.Read() || !reader.TrySkip())
                    {
                        break;
                    }
                }

                return result;
            }

            if (!reader.Read() || !reader.TrySkip())
            {
                break;
            }
        }

        return new(OdooOutcome.RpcError, OdooErrorClass.None);
    }

    private static ResponseOutcome ClassifyExceptionName(ref Utf8JsonReader reader)
    {
        Span<byte> buffer = stackalloc byte[MaxClassNameBytes];
        scoped ReadOnlySpan<byte> name;
        if (!reader.ValueIsEscaped)
        {
            name = reader.ValueSpan;
        }
        else if (reader.ValueSpan.Length <= MaxClassNameBytes)
        {
            name = buffer[..reader.CopyString(buffer)];
        }
        else
        {
            return new(OdooOutcome.RpcError, OdooErrorClass.Other);
        }

        // "odoo.exceptions.UserError", "odoo.http.SessionExpiredException", "builtins.KeyError": the class is the last part.
        var lastDot = name.LastIndexOf((byte)'.');
        var cls = lastDot < 0 ? name : name[(lastDot + 1)..];
        if (cls.SequenceEqual("SessionExpiredException"u8))
        {
            return new(OdooOutcome.SessionExpired);
        }

        return new(OdooOutcome.RpcError, ErrorClassOf(cls));
    }

    private static OdooErrorClass ErrorClassOf(ReadOnlySpan<byte> cls)
    {
        if (cls.SequenceEqual("UserError"u8))
        {
            return OdooErrorClass.UserError;
        }

        if (cls.SequenceEqual("ValidationError"u8))
        {
            return OdooErrorClass.ValidationError;
        }

        if (cls.SequenceEqual("AccessError"u8))
        {
            return OdooErrorClass.AccessError;
        }

        if (cls.SequenceEqual("MissingError"u8))
        {
            return OdooErrorClass.MissingError;
        }

        return cls.SequenceEqual("RedirectWarning"u8) ? OdooErrorClass.RedirectWarning : OdooErrorClass.Other;
    }

    private static ResponseOutcome ScanXmlRpc(ReadOnlySpan<byte> body)
    {
        var response = body.IndexOf("<methodResponse"u8);
        if (response < 0)
        {
            return ResponseOutcome.Ok;
        }

        var rest = body[response..];
        var fault = rest.IndexOf("<fault"u8);
        var parameters = rest.IndexOf("<params"u8);
        if (fault < 0 || (parameters >= 0 && parameters < fault))
        {
            return ResponseOutcome.Ok;
        }

        return new(OdooOutcome.RpcError, FaultClass(rest[fault..]));
    }

    private static OdooErrorClass FaultClass(ReadOnlySpan<byte> fault)
    {
        // /xmlrpc/2 sends an int faultCode (2 = UserError and its subclasses, 4 = AccessError);
        // the legacy /xmlrpc sends a string code "warning -- <Class>\n\n<message>".
        var name = fault.IndexOf("faultCode</name>"u8);
        if (name < 0)
        {
            return OdooErrorClass.Other;
        }

        var afterName = fault[(name + "faultCode</name>".Length)..];
        var valueStart = afterName.IndexOf("<value>"u8);
        if (valueStart < 0)
        {
            return OdooErrorClass.Other;
        }

        var value = afterName[(valueStart + "<value>".Length)..].TrimStart(" \t\r\n"u8);
        if (value.StartsWith("<int>"u8) || value.StartsWith("<i4>"u8))
        {
            var digits = value[(value.IndexOf((byte)'>') + 1)..];
            if (Utf8Parser.TryParse(digits, out int code, out _))
            {
                return code switch
                {
                    2 => OdooErrorClass.UserError,
                    4 => OdooErrorClass.AccessError,
                    _ => OdooErrorClass.Other,
                };
            }

            return OdooErrorClass.Other;
        }

        if (value.StartsWith("<string>"u8))
        {
            value = value["<string>".Length..];
        }

        if (!value.StartsWith("warning -- "u8))
        {
            return OdooErrorClass.Other;
        }

        value = value["warning -- ".Length..];
        var end = value.IndexOfAny("\r\n<"u8);
        var cls = end < 0 ? value : value[..end];
        return cls.SequenceEqual("Warning"u8) ? OdooErrorClass.RedirectWarning : ErrorClassOf(cls.TrimEnd(" "u8));
    }

    private static BodyKind KindOf(ReadOnlySpan<char> contentType)
    {
        var semicolon = contentType.IndexOf(';');
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        if (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return BodyKind.Json;
        }

        return mediaType.Equals("text/xml", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            ? BodyKind.Xml
            : BodyKind.Other;
    }

    private enum BodyKind
    {
        Other,
        Json,
        Xml,
    }
}
