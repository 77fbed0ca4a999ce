using System.Reflection;
using System.Reflection.Emit;

namespace OdooLatencyProxy.Tests.Architecture;

/// <summary>
/// Which namespace of an assembly uses which, read from the compiled code: each type's base type, interfaces, fields,
/// properties and method signatures, and every type, method and field its method bodies (IL) refer to. Compiler-made
/// types (lambdas, async state machines) count for the type they belong to. Constants are inlined by the compiler and
/// so do not show.
/// </summary>
public sealed class NamespaceGraph
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    private readonly Dictionary<string, Dictionary<string, string>> _edges = new(StringComparer.Ordinal);

    /// <summary>Every namespace, each with the namespaces it uses and, for each, one example ("Type uses Type").</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> Edges => _edges;

    /// <summary>A graph given by hand: "A" -> "B" pairs.</summary>
    public static NamespaceGraph FromEdges(params (string From, string To)[] edges)
    {
        var graph = new NamespaceGraph();
        foreach (var (from, to) in edges) graph.Add(from, to, $"{from} uses {to}");
        return graph;
    }

    /// <summary>The graph of the namespaces of <paramref name="assembly"/> under <paramref name="root"/> (other assemblies' namespaces are left out).</summary>
    public static NamespaceGraph FromAssembly(Assembly assembly, string root)
    {
        var graph = new NamespaceGraph();
        var types = assembly.GetTypes();
        bool Mine(Type? t) => t?.Namespace is { } ns && t.Assembly == assembly && (ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal));
        foreach (var type in types.Where(t => Mine(t)))
        {
            graph._edges.TryAdd(type.Namespace!, new Dictionary<string, string>(StringComparer.Ordinal));
            foreach (var used in UsedTypes(type))
            {
                var target = used.IsGenericParameter ? null : Outermost(used);
                if (Mine(target) && target!.Namespace != type.Namespace)
                {
                    graph.Add(type.Namespace!, target.Namespace!, $"{Outermost(type).FullName} uses {target.FullName}");
                }
            }
        }
        return graph;
    }

    /// <summary>Groups of namespaces that reach each other (strongly connected components of two or more), each sorted.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        // Tarjan's algorithm.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<IReadOnlyList<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in _edges.GetValueOrDefault(v)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.TryGetValue(w, out var seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], seen);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string popped;
            do
            {
                popped = stack.Pop();
                onStack.Remove(popped);
                component.Add(popped);
            }
            while (popped != v);
            if (component.Count > 1) result.Add([.. component.Order(StringComparer.Ordinal)]);
        }
        foreach (var v in _edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v)) Visit(v);
        }
        return result;
    }

    /// <summary>Each cycle with the references that close it, for a failure message.</summary>
    public string Explain(IReadOnlyList<string> cycle) => string.Join("\n", cycle.SelectMany(from =>
        cycle.Where(to => _edges[from].ContainsKey(to)).Select(to => $"  {from} -> {to}: {_edges[from][to]}")));

    private void Add(string from, string to, string example)
    {
        if (!_edges.TryGetValue(from, out var targets)) _edges[from] = targets = new Dictionary<string, string>(StringComparer.Ordinal);
        targets.TryAdd(to, example);
        _edges.TryAdd(to, new Dictionary<string, string>(StringComparer.Ordinal));
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    private static List<Type> UsedTypes(Type type)
    {
        var found = new List<Type>();
        void Use(Type? t)
        {
            if (t is null) return;
            if (t.HasElementType) Use(t.GetElementType());
            else if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                found.Add(t.GetGenericTypeDefinition());
                foreach (var argument in t.GetGenericArguments()) Use(argument);
            }
            else found.Add(t);
        }
        void UseMember(MemberInfo? member)
        {
            switch (member)
            {
                case Type t: Use(t); break;
                case FieldInfo f: Use(f.DeclaringType); Use(f.FieldType); break;
                case MethodBase m:
                    Use(m.DeclaringType);
                    if (m is MethodInfo mi) Use(mi.ReturnType);
                    if (m.IsGenericMethod) foreach (var argument in m.GetGenericArguments()) Use(argument);
                    foreach (var parameter in m.GetParameters()) Use(parameter.ParameterType);
                    break;
            }
        }

        Use(type.BaseType);
        foreach (var i in type.GetInterfaces()) Use(i);
        foreach (var f in type.GetFields(Declared)) Use(f.FieldType);
        foreach (var p in type.GetProperties(Declared)) Use(p.PropertyType);
        foreach (var m in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            UseMember(m);
            var body = m.GetMethodBody();
            if (body is null) continue;
            foreach (var local in body.LocalVariables) Use(local.LocalType);
            foreach (var token in Tokens(body.GetILAsByteArray() ?? []))
            {
                try
                {
                    UseMember(type.Module.ResolveMember(token,
                        type.IsGenericType ? type.GetGenericArguments() : null, m.IsGenericMethod ? m.GetGenericArguments() : null));
                }
                catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMemberException)
                {
                    // A token outside a generic context it can be resolved in: nothing of ours hides only there.
                }
            }
        }
        return found;
    }

    // The metadata tokens of the instructions that name a type, method or field.
    private static IEnumerable<int> Tokens(byte[] il)
    {
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE) value = (short)(0xFE00 | il[i++]);
            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    yield return BitConverter.ToInt32(il, i);
                    i += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }
}
