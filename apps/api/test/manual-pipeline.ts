// The pipeline of the manual-job tests (local executor and Kubernetes).

/** Build, then a manual job (its step's command given), then a check that does not wait for it. */
export const manualPipeline = (publish = 'echo published', check = 'echo checked') => `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3.22
        steps:
          - run: echo built
  - name: release
    jobs:
      - name: publish
        manual: true
        image: alpine:3.22
        steps:
          - name: push
            run: ${publish}
  - name: verify
    jobs:
      - name: check
        image: alpine:3.22
        steps:
          - run: ${check}
`;
