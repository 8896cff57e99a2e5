{{/*
A Deployment for the api or notifier: `herdwatch <component>` with Kafka (and MongoDB) settings.
Call with (list $ "api" extraEnvYaml).
*/}}
{{- define "herdwatch.componentDeployment" -}}
{{- $ := index . 0 -}}
{{- $c := index . 1 -}}
{{- $v := index $.Values $c -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "herdwatch.component" (list $ $c) }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "herdwatch.labels" (list $ $c) | nindent 4 }}
spec:
  replicas: {{ $v.replicas }}
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      {{- include "herdwatch.selectorLabels" (list $ $c) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "herdwatch.labels" (list $ $c) | nindent 8 }}
      {{- with $v.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "herdwatch.serviceAccountName" (list $ $c) }}
      {{- with $.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- include "herdwatch.podSecurityContext" $ | nindent 8 }}
      containers:
        - name: {{ $c }}
          image: {{ include "herdwatch.image" $ }}
          imagePullPolicy: {{ $.Values.image.pullPolicy }}
          args: [{{ $c }}]
          env:
            - name: HERDWATCH_HOST
              value: "0.0.0.0"
            - name: HERDWATCH_PORT
              value: {{ $v.port | quote }}
            {{- include "herdwatch.kafkaEnv" $ | nindent 12 }}
            {{- with include "herdwatch.mongoEnv" $ | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- index . 2 | nindent 12 }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            - name: http
              containerPort: {{ $v.port }}
              protocol: TCP
          {{- include "herdwatch.probes" $ | nindent 10 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- include "herdwatch.containerSecurityContext" $ | nindent 12 }}
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
      volumes:
        - name: tmp
          emptyDir: {sizeLimit: 64Mi}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}
