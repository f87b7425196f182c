# The workshop image: JupyterLab + the course, CPU-only torch, running as a non-root user.
#   docker build -t deploydl-workshop .
#   docker run --rm -p 8888:8888 deploydl-workshop      # then open the URL it prints
# The same image serves a cohort on JupyterHub (docs/jupyterhub.md): the hub starts
# `jupyterhub-singleuser` in it instead of the CMD below.
FROM python:3.11-slim

# jupyterhub-singleuser must match the hub's major version (Zero to JupyterHub 4.x = JupyterHub 5).
ARG JUPYTERHUB_VERSION=5.*
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ARG NB_UID=1000

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/home/learner/.local/bin:$PATH \
    JUPYTER_CONFIG_PATH=/srv/course/jupyter-config \
    ORT_DISABLE_TELEMETRY=1 \
    MPLCONFIGDIR=/tmp/matplotlib

RUN useradd --create-home --uid "${NB_UID}" --shell /bin/bash learner

# jupyter-config/ (read through JUPYTER_CONFIG_PATH, also by jupyterhub-singleuser): no news
# pop-up; closing a notebook shuts its kernel down, and a kernel with no open tab is culled
# after 20 idle minutes, so kernels left behind do not add up to the pod's memory limit.
# ORT_DISABLE_TELEMETRY: ONNX Runtime (Module 05) otherwise writes a device ID under ~/.cache and
# tries to send usage telemetry to Microsoft (README, "What the course writes on a laptop").
# MPLCONFIGDIR: matplotlib's settings and font cache go to a folder it creates under /tmp, so
# a home folder the user cannot write (`docker run -u 12345`) costs no warning on stderr; each
# new container builds the font cache once, when matplotlib first loads its fonts.
# The course lives outside $HOME: on JupyterHub a persistent volume is mounted over $HOME, and
# the user pod's postStart hook copies the course into it at first start
# (singleuser.lifecycleHooks in docs/jupyterhub/values.yaml).
WORKDIR /srv/course
# The course's dependencies come from pyproject.toml (one list, no copy to drift); CPU torch
# comes from PyTorch's CPU index, so the image carries no CUDA libraries.
COPY --chown=learner:learner . .
RUN python -m pip install --extra-index-url "${TORCH_INDEX}" . "jupyterhub==${JUPYTERHUB_VERSION}" \
    && python -c "import torch; assert torch.version.cuda is None, 'expected the CPU build of torch'" \
    && python -m deploydl.course.name_error_tip install

USER learner
ENV HOME=/home/learner
EXPOSE 8888
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--port=8888", "--no-browser", \
     "--ServerApp.root_dir=/srv/course", \
     "--LabApp.default_url=/lab/tree/notebooks/00_welcome.ipynb"]
