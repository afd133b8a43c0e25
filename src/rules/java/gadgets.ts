import type { JavaClassDesc, JavaStreamDocument } from "../../formats/java/types.js";

/**
 * Classes whose deserialization is a known step of a code-execution (or JNDI / DNS) gadget
 * chain: the ysoserial payload families and the JDK classes they route through. `prefix` entries
 * match a package or a class with its nested classes; `requires` means the entry only counts when
 * one of those classes is in the same stream (a `java.net.URL` is only URLDNS inside a hashing
 * collection).
 */
export interface GadgetEntry {
  name: string;
  family: string;
  prefix?: boolean;
  requires?: readonly string[];
}

const HASHING = ["java.util.HashMap", "java.util.HashSet", "java.util.Hashtable", "java.util.LinkedHashMap", "java.util.LinkedHashSet"];

export const GADGETS: readonly GadgetEntry[] = [
  // commons-collections 3 and 4 (CommonsCollections1-7)
  { name: "org.apache.commons.collections.functors.", family: "CommonsCollections", prefix: true },
  { name: "org.apache.commons.collections4.functors.", family: "CommonsCollections4", prefix: true },
  { name: "org.apache.commons.collections.map.LazyMap", family: "CommonsCollections" },
  { name: "org.apache.commons.collections.map.TransformedMap", family: "CommonsCollections" },
  { name: "org.apache.commons.collections.map.DefaultedMap", family: "CommonsCollections" },
  { name: "org.apache.commons.collections.keyvalue.TiedMapEntry", family: "CommonsCollections" },
  { name: "org.apache.commons.collections.comparators.TransformingComparator", family: "CommonsCollections" },
  { name: "org.apache.commons.collections4.map.LazyMap", family: "CommonsCollections4" },
  { name: "org.apache.commons.collections4.map.TransformedMap", family: "CommonsCollections4" },
  { name: "org.apache.commons.collections4.map.DefaultedMap", family: "CommonsCollections4" },
  { name: "org.apache.commons.collections4.keyvalue.TiedMapEntry", family: "CommonsCollections4" },
  { name: "org.apache.commons.collections4.comparators.TransformingComparator", family: "CommonsCollections4" },
  { name: "org.apache.commons.collections4.bag.TreeBag", family: "CommonsCollections4" },
  // commons-beanutils (CommonsBeanutils1; H2O CVE-2024-6960 PoC)
  { name: "org.apache.commons.beanutils.BeanComparator", family: "CommonsBeanutils1" },
  // JDK XSLT translets: load attacker bytecode (CommonsBeanutils1, CC2/3/4, Jdk7u21, Spring, Hibernate, ROME)
  { name: "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl", family: "TemplatesImpl" },
  { name: "com.sun.org.apache.xalan.internal.xsltc.trax.TrAXFilter", family: "TemplatesImpl" },
  { name: "org.apache.xalan.xsltc.trax.TemplatesImpl", family: "TemplatesImpl" },
  { name: "org.apache.xalan.xsltc.trax.TrAXFilter", family: "TemplatesImpl" },
  // JDK-only chains
  { name: "sun.reflect.annotation.AnnotationInvocationHandler", family: "Jdk7u21/CommonsCollections1" },
  { name: "javax.management.BadAttributeValueExpException", family: "CommonsCollections5" },
  { name: "java.lang.Runtime", family: "Runtime.exec" },
  { name: "java.lang.ProcessBuilder", family: "ProcessBuilder" },
  { name: "java.net.URL", family: "URLDNS", requires: HASHING },
  { name: "java.net.InetAddress", family: "URLDNS", requires: HASHING },
  { name: "com.sun.rowset.JdbcRowSetImpl", family: "JNDI (JdbcRowSetImpl)" },
  { name: "javax.naming.Reference", family: "JNDI" },
  { name: "com.sun.jndi.rmi.registry.ReferenceWrapper", family: "JNDI" },
  { name: "sun.rmi.server.UnicastRef", family: "JRMPClient" },
  { name: "sun.rmi.server.UnicastRef2", family: "JRMPClient" },
  { name: "java.rmi.server.RemoteObjectInvocationHandler", family: "JRMPClient" },
  { name: "sun.rmi.server.ActivationGroupImpl", family: "JRMPListener" },
  { name: "java.rmi.server.UnicastRemoteObject", family: "JRMPListener" },
  // Spring (Spring1, Spring2, JtaTransactionManager JNDI)
  { name: "org.springframework.beans.factory.ObjectFactory", family: "Spring1" },
  { name: "org.springframework.beans.factory.support.AutowireUtils$ObjectFactoryDelegatingInvocationHandler", family: "Spring1" },
  { name: "org.springframework.core.SerializableTypeWrapper$MethodInvokeTypeProvider", family: "Spring1" },
  { name: "org.springframework.core.SerializableTypeWrapper$TypeProvider", family: "Spring1" },
  { name: "org.springframework.aop.framework.JdkDynamicAopProxy", family: "Spring2" },
  { name: "org.springframework.aop.target.SingletonTargetSource", family: "Spring2" },
  { name: "org.springframework.transaction.jta.JtaTransactionManager", family: "Spring JNDI" },
  // Groovy (Groovy1)
  { name: "org.codehaus.groovy.runtime.MethodClosure", family: "Groovy1" },
  { name: "org.codehaus.groovy.runtime.ConvertedClosure", family: "Groovy1" },
  { name: "org.codehaus.groovy.runtime.ConversionHandler", family: "Groovy1" },
  // ROME
  { name: "com.sun.syndication.feed.impl.ObjectBean", family: "ROME" },
  { name: "com.sun.syndication.feed.impl.ToStringBean", family: "ROME" },
  { name: "com.sun.syndication.feed.impl.EqualsBean", family: "ROME" },
  { name: "com.rometools.rome.feed.impl.ObjectBean", family: "ROME" },
  { name: "com.rometools.rome.feed.impl.ToStringBean", family: "ROME" },
  { name: "com.rometools.rome.feed.impl.EqualsBean", family: "ROME" },
  // c3p0 (remote class loading through a JNDI reference)
  { name: "com.mchange.v2.c3p0.", family: "C3P0", prefix: true },
  { name: "com.mchange.v2.naming.ReferenceIndirector$ReferenceSerialized", family: "C3P0" },
  // Hibernate (Hibernate1/2)
  { name: "org.hibernate.engine.spi.TypedValue", family: "Hibernate" },
  { name: "org.hibernate.engine.TypedValue", family: "Hibernate" },
  { name: "org.hibernate.tuple.component.AbstractComponentTuplizer", family: "Hibernate" },
  { name: "org.hibernate.tuple.component.PojoComponentTuplizer", family: "Hibernate" },
  { name: "org.hibernate.property.BasicPropertyAccessor$BasicGetter", family: "Hibernate" },
  { name: "org.hibernate.property.access.spi.GetterMethodImpl", family: "Hibernate" },
  { name: "org.hibernate.type.ComponentType", family: "Hibernate" },
  // Jython, Clojure, Mozilla Rhino, BeanShell
  { name: "org.python.core.PyFunction", family: "Jython1" },
  { name: "org.python.core.PyBytecode", family: "Jython1" },
  { name: "org.python.core.PyMethod", family: "Jython1" },
  { name: "clojure.core$comp$", family: "Clojure", prefix: true },
  { name: "clojure.main$eval_opt", family: "Clojure", prefix: true },
  { name: "clojure.core$constantly$", family: "Clojure", prefix: true },
  { name: "clojure.inspector.proxy$", family: "Clojure", prefix: true },
  { name: "org.mozilla.javascript.NativeError", family: "MozillaRhino" },
  { name: "org.mozilla.javascript.MemberBox", family: "MozillaRhino" },
  { name: "org.mozilla.javascript.NativeJavaObject", family: "MozillaRhino" },
  { name: "org.mozilla.javascript.tools.shell.Environment", family: "MozillaRhino" },
  { name: "bsh.XThis", family: "BeanShell1" },
  { name: "bsh.Interpreter", family: "BeanShell1" },
  // Vaadin, Wicket, FileUpload, Click, MyFaces, JBoss/Weld, JSON-lib, AspectJ
  { name: "com.vaadin.data.util.NestedMethodProperty", family: "Vaadin1" },
  { name: "com.vaadin.data.util.PropertysetItem", family: "Vaadin1" },
  { name: "org.apache.wicket.util.upload.DiskFileItem", family: "Wicket1" },
  { name: "org.apache.commons.fileupload.disk.DiskFileItem", family: "FileUpload1" },
  { name: "org.apache.click.control.Column$ColumnComparator", family: "Click1" },
  { name: "org.apache.myfaces.view.facelets.el.ValueExpressionMethodExpression", family: "Myfaces" },
  { name: "org.jboss.interceptor.proxy.InterceptorMethodHandler", family: "JBossInterceptors1" },
  { name: "org.jboss.weld.interceptor.proxy.InterceptorMethodHandler", family: "JavassistWeld1" },
  { name: "net.sf.json.JSONObject", family: "JSON1" },
  { name: "org.aspectj.weaver.tools.cache.SimpleCache$StoreableCachingMap", family: "AspectJWeaver" },
];

export interface GadgetHit {
  desc: JavaClassDesc;
  entry: GadgetEntry;
  /** The interface name that matched, for a dynamic proxy. */
  via?: string;
}

function matchName(name: string): GadgetEntry | undefined {
  return GADGETS.find((g) => (g.prefix ? name.startsWith(g.name) : name === g.name));
}

/** Gadget classes among a stream's descriptors (proxies match on their interfaces). */
export function findGadgets(doc: JavaStreamDocument): GadgetHit[] {
  const names = new Set(doc.classes.map((c) => c.name));
  const hits: GadgetHit[] = [];
  for (const desc of doc.classes) {
    const candidates = desc.interfaces ? desc.interfaces.map((i) => ({ name: i, via: i })) : [{ name: desc.name, via: undefined }];
    for (const { name, via } of candidates) {
      const entry = matchName(name);
      if (!entry) continue;
      if (entry.requires && !entry.requires.some((r) => names.has(r))) continue;
      hits.push(via === undefined ? { desc, entry } : { desc, entry, via });
      break;
    }
  }
  return hits;
}
