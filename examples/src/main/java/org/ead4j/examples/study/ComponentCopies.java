package org.ead4j.examples.study;

import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.property.ListProperty;
import com.oracle.labs.mlrg.olcut.config.property.MapProperty;
import com.oracle.labs.mlrg.olcut.config.property.Property;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fresh copies of configured components with some {@code @Config} properties replaced, made through
 * their provenance (OLCUT's {@code ProvenanceUtil.extractConfiguration}) so the copy is exactly what a
 * configuration file with those values would build: the study derives every run's trainer from one
 * template this way (seed, schedule, loss with or without TIS, warm start), and nothing is shared
 * between runs.
 */
public final class ComponentCopies {

    private ComponentCopies() {
    }

    /**
     * Copies a component, replacing some of its own properties.
     *
     * @param root the component to copy
     * @param type the type to return
     * @param simple property name to its new value as configuration text (e.g. {@code "steps" -> "0"})
     * @param components property name to the component that replaces the current one (copied too)
     * @param removed properties to reset to the component's default (e.g. an optional component to drop)
     * @param <T> the type
     * @return the new, configured instance
     * @throws IllegalArgumentException if the copy cannot be built (e.g. an unknown property)
     */
    public static <T extends Configurable> T copy(Provenancable<? extends ConfiguredObjectProvenance> root,
                                                  Class<T> type, Map<String, String> simple,
                                                  Map<String, ? extends Provenancable<? extends ConfiguredObjectProvenance>>
                                                          components, Set<String> removed) {
        ConfiguredObjectProvenance prov = root.getProvenance();
        List<ConfigurationData> all = new ArrayList<>(ProvenanceUtil.extractConfiguration(prov));
        ConfigurationData rootCd = findRoot(all, prov.getClassName());
        Map<String, Property> props = new LinkedHashMap<>(rootCd.getProperties());
        props.keySet().removeAll(removed);
        for (Map.Entry<String, String> e : simple.entrySet()) {
            props.put(e.getKey(), new SimpleProperty(e.getValue()));
        }
        for (Map.Entry<String, ? extends Provenancable<? extends ConfiguredObjectProvenance>> e : components.entrySet()) {
            ConfiguredObjectProvenance cp = e.getValue().getProvenance();
            List<ConfigurationData> sub = ProvenanceUtil.extractConfiguration(cp);
            String subRoot = findRoot(sub, cp.getClassName()).getName();
            String prefix = "override-" + e.getKey() + "-";
            all.addAll(rename(sub, prefix));
            props.put(e.getKey(), new SimpleProperty(prefix + subRoot));
        }
        all.remove(rootCd);
        ConfigurationData replaced = new ConfigurationData(rootCd.getName(), rootCd.getClassName(), props);
        all.add(replaced);
        ConfigurationManager cm = new ConfigurationManager();
        try {
            cm.addConfiguration(all);
            return type.cast(cm.lookup(rootCd.getName()));
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException("cannot copy " + prov.getClassName() + " with " + simple.keySet()
                    + " and " + components.keySet() + " replaced: " + ex.getMessage(), ex);
        }
    }

    /** The component of the given class that no other component references. */
    private static ConfigurationData findRoot(List<ConfigurationData> cds, String className) {
        Set<String> referenced = new HashSet<>();
        for (ConfigurationData cd : cds) {
            for (Property p : cd.getProperties().values()) {
                referenced.addAll(values(p));
            }
        }
        for (ConfigurationData cd : cds) {
            if (cd.getClassName().equals(className) && !referenced.contains(cd.getName())) {
                return cd;
            }
        }
        throw new IllegalStateException("no root component of class " + className + " in the extracted configuration");
    }

    /** Prefixes every component name, and every reference to one, so the components can join another set. */
    private static List<ConfigurationData> rename(List<ConfigurationData> cds, String prefix) {
        Map<String, String> names = new HashMap<>();
        for (ConfigurationData cd : cds) {
            names.put(cd.getName(), prefix + cd.getName());
        }
        List<ConfigurationData> out = new ArrayList<>();
        for (ConfigurationData cd : cds) {
            Map<String, Property> props = new LinkedHashMap<>();
            for (Map.Entry<String, Property> e : cd.getProperties().entrySet()) {
                props.put(e.getKey(), renameRefs(e.getValue(), names));
            }
            out.add(new ConfigurationData(names.get(cd.getName()), cd.getClassName(), props));
        }
        return out;
    }

    private static Property renameRefs(Property p, Map<String, String> names) {
        if (p instanceof SimpleProperty s) {
            return new SimpleProperty(names.getOrDefault(s.getValue(), s.getValue()));
        } else if (p instanceof ListProperty l) {
            List<SimpleProperty> items = new ArrayList<>();
            for (SimpleProperty s : l.getSimpleList()) {
                items.add(new SimpleProperty(names.getOrDefault(s.getValue(), s.getValue())));
            }
            return new ListProperty(items, l.getClassList());
        } else if (p instanceof MapProperty m) {
            Map<String, SimpleProperty> items = new LinkedHashMap<>();
            for (Map.Entry<String, SimpleProperty> e : m.getMap().entrySet()) {
                String v = e.getValue().getValue();
                items.put(e.getKey(), new SimpleProperty(names.getOrDefault(v, v)));
            }
            return new MapProperty(items);
        }
        return p;
    }

    private static List<String> values(Property p) {
        if (p instanceof SimpleProperty s) {
            return List.of(s.getValue());
        } else if (p instanceof ListProperty l) {
            return l.getSimpleList().stream().map(SimpleProperty::getValue).toList();
        } else if (p instanceof MapProperty m) {
            return m.getMap().values().stream().map(SimpleProperty::getValue).toList();
        }
        return List.of();
    }
}
