namespace OdooLatencyProxy.Odoo.Classification;

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
