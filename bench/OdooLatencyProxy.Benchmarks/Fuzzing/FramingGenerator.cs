using System.Globalization;
using System.Text;

namespace OdooLatencyProxy.Benchmarks.Fuzzing;

/// <summary>
/// Random request framings and bodies from a seed: Content-Length (padded, signed, repeated, wrong), chunked (odd sizes,
/// leading zeros, extensions, trailers, broken chunks), both, Transfer-Encoding variants, duplicated, odd-cased and
/// whitespace-padded fields, obs-fold, bare LF and CR, HTTP/1.0 and 1.1, Expect: 100-continue, pipelining, large fields,
/// invalid bytes, bodies that carry a request of their own, writes split anywhere, clients that leave early.
/// Case N of seed S is always the same bytes: <c>fuzz --seed S --case N</c> replays it.
/// </summary>
internal sealed class FramingGenerator(int seed)
{
    private static readonly string[] s_codings =
        ["Chunked", "CHUNKED", " chunked\t", "identity, chunked", "chunked, chunked", "gzip, chunked", "chunked, gzip", "chunked,", "chunked;q=1", "xchunked", "chunked\v", ""];
    private static readonly string[] s_lengths = ["+{0}", "-{0}", "0x{1}", "{0}, {0}", "{0},{2}", "{0} {0}", "{0}.0", ""];
    private static readonly string[] s_extensions = [";a=b", "; name=\"quoted; value\"", ";x", " ;a", ";a = b", "; a=\"b\\\"c\"", ";=b", "; a=b c", ";a=\x01"];
    private static readonly byte[] s_invalidBytes = [0x00, 0x01, 0x0b, 0x7f, 0x0d, 0x0a, 0x80, 0xff];

    public FuzzCase Case(int number)
    {
        // Not HashCode.Combine: it changes from one process to the next, and a case must replay.
        var random = new Random(unchecked(seed * 1_000_003 + number));
        var traits = new List<string>();
        var bytes = new List<byte>();
        var count = random.Next(10) < 7 ? 1 : random.Next(2, 4);
        if (count > 1) traits.Add("pipelined");
        for (var i = 0; i < count; i++) bytes.AddRange(Request(random, number, i, traits));

        var earlyClose = random.Next(100) < 6;
        if (earlyClose)
        {
            var cut = random.Next(1, bytes.Count);
            bytes.RemoveRange(cut, bytes.Count - cut);
            traits.Add("early close");
        }
        var splits = new List<int>();
        if (random.Next(100) < 40)
        {
            for (var i = random.Next(1, 7); i > 0; i--) splits.Add(random.Next(1, Math.Max(2, bytes.Count)));
            traits.Add("split writes");
        }
        splits.Sort();
        var reset = earlyClose && random.Next(2) == 0;
        return new FuzzCase(number, [.. bytes], [.. splits.Distinct()], [.. traits.Distinct()], earlyClose, reset);
    }

    private static byte[] Request(Random random, int number, int index, List<string> traits)
    {
        var version = Pick(random, (85, "HTTP/1.1"), (12, "HTTP/1.0"), (3, random.Next(4) switch { 0 => "HTTP/1.2", 1 => "HTTP/2.0", 2 => "http/1.1", _ => "HTTP/1.1 " }));
        if (version != "HTTP/1.1") traits.Add(version == "HTTP/1.0" ? "HTTP/1.0" : "odd version");
        var method = Pick(random, (50, "POST"), (20, "GET"), (10, "PUT"), (6, "PATCH"), (6, "DELETE"), (4, "post"), (2, "PO ST"), (2, "POST\x01"));
        if (method is "PO ST" or "POST\x01") traits.Add("invalid method");
        var gevent = random.Next(10) == 0;
        if (gevent) traits.Add("gevent route");
        var target = $"{(gevent ? "/longpolling" : "")}/fuzz/{number}/{index}";
        if (random.Next(3) == 0) target += "?q=" + RandomText(random, random.Next(1, 40), "abcXYZ019-._~%2F&=+");
        if (random.Next(40) == 0)
        {
            target += "/" + new string('a', random.Next(200, 12_000));
            traits.Add("long target");
        }
        if (random.Next(40) == 0)
        {
            target = target.Insert(random.Next(1, target.Length), ((char)s_invalidBytes[random.Next(s_invalidBytes.Length)]).ToString());
            traits.Add("invalid byte in target");
        }

        var hasBody = method is "POST" or "PUT" or "PATCH" or "post" || random.Next(20) == 0;
        var body = hasBody ? Body(random, number, traits) : [];
        var framing = !hasBody ? Pick(random, (90, "none"), (5, "length"), (5, "chunked"))
            : Pick(random, (55, "length"), (35, "chunked"), (5, "both"), (5, "none"));
        traits.Add("framing: " + framing);

        var fields = new List<(string Name, string Value)>();
        var hostCount = version == "HTTP/1.0" ? random.Next(2) : Pick(random, (95, 1), (3, 0), (2, 2));
        if (version != "HTTP/1.0" && hostCount != 1) traits.Add(hostCount == 0 ? "no Host" : "two Hosts");
        for (var i = 0; i < hostCount; i++) fields.Add(("Host", i == 0 ? "erp.example.com" : "other.example.com:8069"));
        fields.Add(("Content-Type", "application/json"));
        fields.Add(("X-Fuzz-Case", number.ToString(CultureInfo.InvariantCulture)));
        var chunked = framing is "chunked" or "both" ? Chunked(random, body, traits) : null;
        if (framing is "length" or "both") fields.AddRange(ContentLength(random, body.Length, traits));
        if (chunked is not null) fields.AddRange(TransferEncoding(random, traits));
        if (random.Next(12) == 0) AddTrait(traits, "Expect: 100-continue", () => fields.Add(("Expect", "100-continue")));
        if (random.Next(10) == 0) AddTrait(traits, "Connection: close", () => fields.Add(("Connection", "close")));
        if (version == "HTTP/1.0" && random.Next(3) == 0) AddTrait(traits, "keep-alive", () => fields.Add(("Connection", "keep-alive")));
        if (random.Next(20) == 0) AddTrait(traits, "large field", () => fields.Add(("X-Large", new string('v', random.Next(1_000, 40_000)))));
        if (random.Next(4) == 0) fields.Add(("User-Agent", "Mozilla/5.0 (fuzz)"));
        fields = [.. fields.OrderBy(_ => random.Next(4) == 0 ? random.Next() : 0)];

        var head = new StringBuilder($"{method} {target} {version}\r\n");
        if (random.Next(80) == 0) AddTrait(traits, "whitespace before first field", () => head.Append(" X-Hidden: 1\r\n"));
        foreach (var (name, value) in fields) head.Append(Field(random, name, value, traits)).Append("\r\n");
        head.Append("\r\n");
        var text = head.ToString();
        if (random.Next(30) == 0)
        {
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
            traits.Add("bare LF head");
        }
        else if (random.Next(40) == 0)
        {
            var at = text.IndexOf("\r\n", random.Next(text.Length - 4), StringComparison.Ordinal);
            if (at > 0) text = text.Remove(at, 1);
            traits.Add("one bare LF");
        }
        if (random.Next(50) == 0)
        {
            text = text.Insert(random.Next(text.Length - 4), ((char)s_invalidBytes[random.Next(s_invalidBytes.Length)]).ToString());
            traits.Add("invalid byte in head");
        }

        var request = new List<byte>(Encoding.Latin1.GetBytes(text));
        request.AddRange(chunked ?? body);
        return [.. request];
    }

    private static byte[] Body(Random random, int number, List<string> traits)
    {
        var length = Pick(random, (10, 0), (40, random.Next(1, 100)), (35, random.Next(100, 5_000)), (15, random.Next(5_000, 200_000)));
        var body = new byte[length];
        if (random.Next(3) == 0)
        {
            random.NextBytes(body);
            return body;
        }
        // Text that looks like framing: a request or a last chunk inside the body must stay body.
        var trap = Encoding.ASCII.GetBytes($"0\r\n\r\nGET /smuggled/{number} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{{\"jsonrpc\": \"2.0\"}}\r\n");
        for (var i = 0; i < length; i++) body[i] = trap[i % trap.Length];
        if (length > 0 && random.Next(4) == 0) traits.Add("framing-like body");
        return body;
    }

    private static (string, string)[] ContentLength(Random random, int length, List<string> traits)
    {
        var roll = random.Next(100);
        if (roll < 80) return [("Content-Length", length.ToString(CultureInfo.InvariantCulture))];
        if (roll < 84) return Trait(traits, "Content-Length leading zeros", ("Content-Length", "00" + length.ToString(CultureInfo.InvariantCulture)));
        if (roll < 88) return Trait(traits, "Content-Length repeated", ("Content-Length", Text(length)), ("Content-Length", Text(random.Next(3) == 0 ? length + 1 : length)));
        if (roll < 92) return Trait(traits, "Content-Length off by one", ("Content-Length", Text(Math.Max(0, length + random.Next(-1, 2)))));
        var form = s_lengths[random.Next(s_lengths.Length)];
        return Trait(traits, "Content-Length odd", ("Content-Length", string.Format(CultureInfo.InvariantCulture, form, length, length.ToString("x", CultureInfo.InvariantCulture), length + 1)));
    }

    private static (string, string)[] TransferEncoding(Random random, List<string> traits)
    {
        var roll = random.Next(100);
        if (roll < 80) return [("Transfer-Encoding", "chunked")];
        if (roll < 85) return Trait(traits, "Transfer-Encoding twice", ("Transfer-Encoding", random.Next(2) == 0 ? "gzip" : "chunked"), ("Transfer-Encoding", "chunked"));
        return Trait(traits, "Transfer-Encoding odd", ("Transfer-Encoding", s_codings[random.Next(s_codings.Length)]));
    }

    private static byte[] Chunked(Random random, byte[] body, List<string> traits)
    {
        var output = new List<byte>();
        void Put(string s) => output.AddRange(Encoding.Latin1.GetBytes(s));
        var broken = random.Next(15) == 0;
        for (var at = 0; at < body.Length;)
        {
            var size = Math.Min(body.Length - at, random.Next(3) == 0 ? random.Next(1, 8) : random.Next(1, 70_000));
            var hex = size.ToString(random.Next(2) == 0 ? "x" : "X", CultureInfo.InvariantCulture);
            if (random.Next(10) == 0) hex = "000" + hex;
            var declared = hex;
            if (broken && random.Next(3) == 0)
            {
                var fault = random.Next(6);
                declared = fault switch
                {
                    0 => (size + 1).ToString("x", CultureInfo.InvariantCulture),
                    1 => "ffffffffffffffffff" + hex,
                    2 => "-" + hex,
                    3 => "0x" + hex,
                    4 => hex + "\n",
                    _ => hex,
                };
                traits.Add("broken chunk");
            }
            if (random.Next(8) == 0) AddTrait(traits, "chunk extension", () => declared += s_extensions[random.Next(s_extensions.Length)]);
            Put(declared.EndsWith('\n') ? declared : declared + "\r\n");
            output.AddRange(body.AsSpan(at, size).ToArray());
            at += size;
            Put(broken && random.Next(4) == 0 ? "\n" : "\r\n");
        }
        Put(random.Next(5) == 0 ? "000" : "0");
        if (random.Next(10) == 0) AddTrait(traits, "chunk extension", () => Put(s_extensions[random.Next(s_extensions.Length)]));
        Put("\r\n");
        if (random.Next(8) == 0) AddTrait(traits, "trailer", () => Put(random.Next(4) == 0 ? "bad trailer\r\n" : "X-Trailer: done\r\n"));
        if (!(broken && random.Next(3) == 0)) Put("\r\n");
        return [.. output];
    }

    // Odd case, padding, obs-fold, a space before the colon, a bad byte in the name.
    private static string Field(Random random, string name, string value, List<string> traits)
    {
        if (random.Next(4) == 0)
        {
            name = random.Next(3) switch
            {
                0 => name.ToLowerInvariant(),
                1 => name.ToUpperInvariant(),
                _ => string.Concat(name.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))),
            };
            traits.Add("odd-cased name");
        }
        if (random.Next(10) == 0)
        {
            value = Blank(random) + value + Blank(random);
            traits.Add("padded value");
        }
        if (random.Next(40) == 0 && value.Length > 1)
        {
            var at = random.Next(1, value.Length);
            value = value[..at] + "\r\n" + Blank(random) + value[at..];
            traits.Add("obs-fold");
        }
        if (random.Next(100) == 0)
        {
            name += " ";
            traits.Add("space before colon");
        }
        if (random.Next(150) == 0)
        {
            name = name.Insert(random.Next(name.Length), "(");
            traits.Add("invalid name");
        }
        return $"{name}:{(random.Next(15) == 0 ? "" : " ")}{value}";
    }

    private static string Blank(Random random) => random.Next(2) == 0 ? " " : "\t";

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string RandomText(Random random, int length, string alphabet) =>
        string.Concat(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]));

    private static (string, string)[] Trait(List<string> traits, string trait, params (string, string)[] fields)
    {
        traits.Add(trait);
        return fields;
    }

    private static void AddTrait(List<string> traits, string trait, Action add)
    {
        traits.Add(trait);
        add();
    }

    private static T Pick<T>(Random random, params (int Weight, T Value)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (weight, value) in choices)
        {
            if (roll < weight) return value;
            roll -= weight;
        }
        return choices[^1].Value;
    }
}
