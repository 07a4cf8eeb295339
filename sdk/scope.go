package sdk

import (
	"errors"
	"sort"

	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Scope says where objects of a kind live: in a namespace, or once for the whole cluster. A
// stage that defaults metadata.namespace must leave cluster-scoped objects alone (ClusterRole,
// CustomResourceDefinition, a CRD-defined kind with scope: Cluster), as `helm install -n` and
// kustomize's namespace field do.
type Scope int

const (
	// ScopeUnknown: not a kind Kubernetes serves itself, and no CustomResourceDefinition the
	// Scopes has seen defines it. Only the cluster that serves the kind knows; the stage decides
	// (and should say what it assumed).
	ScopeUnknown Scope = iota
	// Namespaced kinds live in a namespace: Pod, Deployment, Role, most custom resources.
	Namespaced
	// ClusterScoped kinds have no namespace: Namespace, ClusterRole, CustomResourceDefinition.
	ClusterScoped
)

func (s Scope) String() string {
	switch s {
	case Namespaced:
		return "namespaced"
	case ClusterScoped:
		return "cluster-scoped"
	}
	return "unknown scope"
}

// BuiltinScope is the scope of a kind Kubernetes serves itself, by API group ("" is the core
// group) and kind, in any version; ScopeUnknown for every other kind, including custom
// resources. The version does not matter: Kubernetes never moved a kind between scopes.
func BuiltinScope(group, kind string) Scope { return builtinScopes[groupKind{group, kind}] }

// Scopes answers the scope of a kind: Kubernetes' built-in kinds (BuiltinScope), then the kinds
// defined by the CustomResourceDefinitions it was given. The zero value knows the built-in kinds
// only. Output.Scopes reads the CRDs of the output:
//
//	scopes, err := k.Output.Scopes()
//	if err != nil {
//		return err
//	}
//	return k.Output.EachManifest(func(m *sdk.Manifest) error {
//		if m.Scope(scopes) == sdk.ClusterScoped || m.Namespace() != "" {
//			return nil // a ClusterRole, a CRD, a kind whose CRD says scope: Cluster
//		}
//		return m.Set("metadata.namespace", "team-a")
//	})
type Scopes struct {
	defined map[groupKind]definition
}

type groupKind struct{ group, kind string }

func (gk groupKind) String() string {
	if gk.group == "" {
		return gk.kind
	}
	return gk.group + "/" + gk.kind
}

// definition is a kind's scope and where it was learnt.
type definition struct {
	scope Scope
	at    Location
}

// Of answers for a kind by API group ("" is the core group) and kind. A built-in kind is answered
// from the built-in table even when a CRD claims it: the API server serves its built-in groups
// itself.
func (s *Scopes) Of(group, kind string) Scope {
	if sc := BuiltinScope(group, kind); sc != ScopeUnknown {
		return sc
	}
	if s == nil {
		return ScopeUnknown
	}
	return s.defined[groupKind{group, kind}].scope
}

// Scope is where objects of the manifest's kind live, as scopes answers it (Scopes.Of with the
// manifest's group and kind); nil scopes know the built-in kinds only.
func (m *Manifest) Scope(scopes *Scopes) Scope { return scopes.Of(m.Group(), m.Kind()) }

// Define declares the scope of a kind that is neither built in nor defined by a CRD the Scopes
// has seen, e.g. from a stage's setting naming the cluster-scoped kinds of an operator installed
// by another workflow. It is an error to give a kind two different scopes.
func (s *Scopes) Define(group, kind string, scope Scope, at Location) error {
	if scope != Namespaced && scope != ClusterScoped {
		return Errorf(at, "%s: cannot define a kind as %s", groupKind{group, kind}, scope)
	}
	gk := groupKind{group, kind}
	if old, ok := s.defined[gk]; ok && old.scope != scope {
		return Errorf(at, "%s is %s here but %s at %s", gk, scope, old.scope, old.at)
	}
	if s.defined == nil {
		s.defined = map[groupKind]definition{}
	}
	if _, ok := s.defined[gk]; !ok {
		s.defined[gk] = definition{scope: scope, at: at}
	}
	return nil
}

// AddCRD learns the kind a CustomResourceDefinition defines (apiextensions.k8s.io, v1 or
// v1beta1): spec.group, spec.names.kind and spec.scope, Namespaced or Cluster exactly as the API
// server accepts them. v1 requires spec.scope; v1beta1 defaults it to Namespaced, as the API
// server does. Any other manifest is ignored. Errors name the file, line and field.
func (s *Scopes) AddCRD(m *Manifest) error {
	if m.Group() != "apiextensions.k8s.io" || m.Kind() != "CustomResourceDefinition" {
		return nil
	}
	var errs []error
	group, err := m.GetString("spec.group")
	if err != nil {
		errs = append(errs, err)
	}
	kind, err := m.GetString("spec.names.kind")
	if err != nil {
		errs = append(errs, err)
	}
	scope := Namespaced
	switch raw, err := m.GetString("spec.scope"); {
	case errors.Is(err, yamldoc.ErrNotFound) && m.APIVersion() == "apiextensions.k8s.io/v1beta1":
		// the v1beta1 default
	case err != nil:
		errs = append(errs, err)
	case raw == "Cluster":
		scope = ClusterScoped
	case raw != "Namespaced":
		errs = append(errs, Errorf(m.AtPath("spec.scope"), "%q is not a scope: the API server accepts Namespaced or Cluster", raw))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if BuiltinScope(group, kind) != ScopeUnknown {
		return nil // cannot change a built-in kind; see Of
	}
	return s.Define(group, kind, scope, m.AtPath("spec.scope"))
}

// Kinds lists the kinds the Scopes learnt from CRDs and Define, sorted, for logs and tests.
func (s *Scopes) Kinds() []string {
	out := make([]string, 0, len(s.defined))
	for gk, d := range s.defined {
		out = append(out, gk.String()+" "+d.scope.String())
	}
	sort.Strings(out)
	return out
}

// Scopes reads every CustomResourceDefinition of the output (in any file, document or *List) so
// that the kinds they define are answered too. It reads the whole output once and changes
// nothing; a stage calls it before the walk that edits. Malformed CRDs, and two CRDs giving a
// kind different scopes, are errors naming file, line and field.
func (o *Output) Scopes() (*Scopes, error) {
	s := &Scopes{}
	err := o.EachManifest(func(m *Manifest) error { return s.AddCRD(m) })
	return s, err
}

// builtinScopes is every kind Kubernetes 1.37 serves itself, by group, built from
// builtinKinds.
var builtinScopes = func() map[groupKind]Scope {
	m := map[groupKind]Scope{}
	for _, g := range builtinKinds {
		for _, k := range g.cluster {
			m[groupKind{g.group, k}] = ClusterScoped
		}
		for _, k := range g.namespaced {
			m[groupKind{g.group, k}] = Namespaced
		}
	}
	return m
}()

// builtinKinds are the kinds Kubernetes serves itself. Source: the client-gen markers of
// k8s.io/api v0.37.2 (Kubernetes 1.37): every type marked +genclient is a served kind, and
// +genclient:nonNamespaced marks the cluster-scoped ones (client-gen builds the clients of
// `kubectl api-resources` from them). Added: CustomResourceDefinition
// (k8s.io/apiextensions-apiserver) and APIService (k8s.io/kube-aggregator), served by every API
// server but declared outside k8s.io/api, and PodSecurityPolicy, removed in 1.25 but still in
// old renders. Subresource-only kinds (Binding, Scale, TokenRequest, the *Options) are not
// objects a manifest holds and are left out. The table is checked against kustomize's
// (kyaml/openapi) in the tests.
var builtinKinds = []struct {
	group               string
	cluster, namespaced []string
}{
	{"", []string{"ComponentStatus", "Namespace", "Node", "PersistentVolume"},
		[]string{"ConfigMap", "Endpoints", "Event", "LimitRange", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController", "ResourceQuota", "Secret", "Service", "ServiceAccount"}},
	{"admissionregistration.k8s.io", []string{"MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration"}, nil},
	{"apiextensions.k8s.io", []string{"CustomResourceDefinition"}, nil},
	{"apiregistration.k8s.io", []string{"APIService"}, nil},
	{"apps", nil, []string{"ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"}},
	{"authentication.k8s.io", []string{"SelfSubjectReview", "TokenReview"}, nil},
	{"authorization.k8s.io", []string{"SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"}, []string{"LocalSubjectAccessReview"}},
	{"autoscaling", nil, []string{"HorizontalPodAutoscaler"}},
	{"batch", nil, []string{"CronJob", "Job"}},
	{"certificates.k8s.io", []string{"CertificateSigningRequest", "ClusterTrustBundle"}, []string{"PodCertificateRequest"}},
	{"coordination.k8s.io", nil, []string{"Lease", "LeaseCandidate"}},
	{"discovery.k8s.io", nil, []string{"EndpointSlice"}},
	{"events.k8s.io", nil, []string{"Event"}},
	{"extensions", []string{"PodSecurityPolicy"}, []string{"DaemonSet", "Deployment", "Ingress", "NetworkPolicy", "ReplicaSet"}},
	{"flowcontrol.apiserver.k8s.io", []string{"FlowSchema", "PriorityLevelConfiguration"}, nil},
	{"imagepolicy.k8s.io", []string{"ImageReview"}, nil},
	{"internal.apiserver.k8s.io", []string{"StorageVersion"}, nil},
	{"lifecycle.k8s.io", nil, []string{"Eviction", "EvictionRequest"}},
	{"networking.k8s.io", []string{"IPAddress", "IngressClass", "ServiceCIDR"}, []string{"Ingress", "NetworkPolicy"}},
	{"node.k8s.io", []string{"RuntimeClass"}, nil},
	{"policy", []string{"PodSecurityPolicy"}, []string{"Eviction", "PodDisruptionBudget"}},
	{"rbac.authorization.k8s.io", []string{"ClusterRole", "ClusterRoleBinding"}, []string{"Role", "RoleBinding"}},
	{"resource.k8s.io", []string{"DeviceClass", "DeviceTaintRule", "ResourcePoolStatusRequest", "ResourceSlice"}, []string{"ResourceClaim", "ResourceClaimTemplate"}},
	{"scheduling.k8s.io", []string{"PriorityClass"}, []string{"CompositePodGroup", "PodGroup", "Workload"}},
	{"storage.k8s.io", []string{"CSIDriver", "CSINode", "StorageClass", "VolumeAttachment", "VolumeAttributesClass"}, []string{"CSIStorageCapacity"}},
	{"storagemigration.k8s.io", []string{"StorageVersionMigration"}, nil},
}
