package io.safeframe.guard.screening;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Aho–Corasick multi-pattern matcher (Aho & Corasick, CACM 1975): one pass over the text finds every
 * occurrence of every term, whatever the number of terms. Immutable once built; safe to share.
 *
 * @param <T> what a term stands for (its rule)
 */
public final class AhoCorasick<T> {

    public record Hit<T>(int start, int end, T value) {
    }

    private static final class Node<T> {
        final Map<Character, Node<T>> next = new HashMap<>();
        Node<T> fail;
        final List<Map.Entry<Integer, T>> outputs = new ArrayList<>(1); // (term length, value)
    }

    private final Node<T> root = new Node<>();

    public AhoCorasick(Map<String, List<T>> terms) {
        terms.forEach((term, values) -> {
            Node<T> n = root;
            for (char c : term.toCharArray()) {
                n = n.next.computeIfAbsent(c, k -> new Node<>());
            }
            for (T v : values) {
                n.outputs.add(Map.entry(term.length(), v));
            }
        });
        ArrayDeque<Node<T>> queue = new ArrayDeque<>();
        for (Node<T> child : root.next.values()) {
            child.fail = root;
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            Node<T> n = queue.poll();
            for (Map.Entry<Character, Node<T>> e : n.next.entrySet()) {
                Node<T> child = e.getValue();
                Node<T> f = n.fail;
                while (f != null && !f.next.containsKey(e.getKey())) {
                    f = f.fail;
                }
                child.fail = f == null ? root : f.next.get(e.getKey());
                child.outputs.addAll(child.fail.outputs);
                queue.add(child);
            }
        }
    }

    public List<Hit<T>> find(String text) {
        List<Hit<T>> hits = new ArrayList<>();
        Node<T> n = root;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            while (n != root && !n.next.containsKey(c)) {
                n = n.fail;
            }
            n = n.next.getOrDefault(c, root);
            for (Map.Entry<Integer, T> out : n.outputs) {
                hits.add(new Hit<>(i + 1 - out.getKey(), i + 1, out.getValue()));
            }
        }
        return hits;
    }
}
